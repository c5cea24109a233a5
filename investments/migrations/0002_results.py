"""MIDEPLAN's technical results (investments/defaults.py)."""

from django.db import migrations


def create(apps, schema_editor):
    from investments import defaults  # noqa: PLC0415 - plain data and a function over the historical model

    defaults.results_create(apps.get_model("investments", "MideplanResult"))


class Migration(migrations.Migration):
    dependencies = [("investments", "0001_initial")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
