from django.db import migrations


def forget_stored_results(apps, schema_editor):
    """Stored results are derived data: those stored before this migration lack each indicator's efectivo and
    meta terms (numerator and denominator, shown where the rounded value would mislead), so they are removed and
    each region's is recomputed and stored when a page first reads it."""
    apps.get_model("results", "StoredRegionResult").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("results", "0003_stored_products_and_keys"),
    ]

    operations = [
        migrations.RunPython(forget_stored_results, migrations.RunPython.noop),
    ]
