"""A management system's area becomes a closed vocabulary (pmg.vocabulary.PmgArea), named in the language of the
page: the areas stored by name take their code; an area an admin typed that is not one of them stays as typed."""

from django.db import migrations, models

CODES = {
    "Recursos humanos": "recursos-humanos",
    "Calidad de atención": "calidad-atencion",
    "Planificación y control": "planificacion-control",
    "Administración financiera": "administracion-financiera",
    "Enfoque de género": "enfoque-genero",
}
CHOICES = [(code, name) for name, code in CODES.items()]


def _rename(apps, mapping: dict[str, str]) -> None:
    for model in ("ManagementSystem", "HistoricalManagementSystem"):
        rows = apps.get_model("pmg", model).objects
        for old, new in mapping.items():
            rows.filter(area__iexact=old).update(area=new)


def to_codes(apps, schema_editor):
    _rename(apps, CODES)


def to_names(apps, schema_editor):
    _rename(apps, {code: name for name, code in CODES.items()})


class Migration(migrations.Migration):
    dependencies = [("pmg", "0002_defaults")]

    operations = [
        migrations.AlterField(
            model_name="historicalmanagementsystem",
            name="area",
            field=models.CharField(blank=True, choices=CHOICES, max_length=100, verbose_name="área"),
        ),
        migrations.AlterField(
            model_name="managementsystem",
            name="area",
            field=models.CharField(blank=True, choices=CHOICES, max_length=100, verbose_name="área"),
        ),
        migrations.RunPython(to_codes, to_names),
    ]
