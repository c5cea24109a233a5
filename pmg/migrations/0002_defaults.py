"""The excellence model's criteria, and each existing cycle's PMG systems (pmg/defaults.py)."""

from django.db import migrations


def create(apps, schema_editor):
    from pmg import defaults  # noqa: PLC0415 - plain data and functions over the historical models

    defaults.criteria_create(apps.get_model("pmg", "ExcellenceCriterion"))
    system = apps.get_model("pmg", "ManagementSystem")
    previous = None
    for cycle in apps.get_model("evaluation", "EvaluationCycle").objects.order_by("year"):
        defaults.systems_create(system, cycle, previous)
        previous = cycle


class Migration(migrations.Migration):
    dependencies = [("pmg", "0001_initial"), ("evaluation", "0008_regiondataversion")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
