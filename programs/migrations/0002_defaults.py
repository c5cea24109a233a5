"""DIPRES's usual evaluation lines, and each existing cycle's lists of verdicts (programs/defaults.py)."""

from django.db import migrations


def create(apps, schema_editor):
    from programs import defaults  # noqa: PLC0415 - plain data and functions over the historical models

    defaults.lines_create(apps.get_model("programs", "EvaluationLine"))
    verdict = apps.get_model("programs", "Verdict")
    previous = None
    for cycle in apps.get_model("evaluation", "EvaluationCycle").objects.order_by("year"):
        defaults.verdicts_create(verdict, cycle, previous)
        previous = cycle


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial"), ("evaluation", "0008_regiondataversion")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
