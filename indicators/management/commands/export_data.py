"""Exports every yearly figure of every indicator to one .xlsx or .csv file."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.exports import Table, to_csv, to_xlsx
from core.numbers import round_half_up
from indicators.models import Measurement


class Command(BaseCommand):
    help = _("Exporta todos los valores (región, indicador, año, tipo, numerador, denominador, valor).")

    def add_arguments(self, parser):
        parser.add_argument("output", type=Path, help=_("Archivo .xlsx o .csv a escribir."))

    def handle(self, *args, output: Path, **options):
        if output.suffix not in (".xlsx", ".csv"):
            raise CommandError(_("El archivo debe terminar en .xlsx o .csv."))
        measurements = (
            Measurement.objects.select_related("indicator__region", "indicator__product")
            .order_by("indicator__region__order", "indicator__code", "year", "kind")
            .iterator(chunk_size=2000)
        )
        rows = [
            [
                m.indicator.region.iso_code,
                m.indicator.region.name,
                m.indicator.code,
                m.indicator.name,
                m.year,
                m.kind,
                m.numerator,
                m.denominator,
                None if m.value is None else round_half_up(m.value, m.indicator.decimals),
            ]
            for m in measurements
        ]
        table = Table(
            "valores",
            _("Valores"),
            [
                _("Región"),
                _("Nombre de la región"),
                _("Código"),
                _("Indicador"),
                _("Año"),
                _("Tipo"),
                _("Numerador"),
                _("Denominador"),
                _("Valor"),
            ],
            rows,
        )
        output.write_bytes(to_xlsx([table]) if output.suffix == ".xlsx" else to_csv(table))
        self.stdout.write(
            ngettext("%(count)s valor escrito en %(file)s.", "%(count)s valores escritos en %(file)s.", len(rows))
            % {"count": len(rows), "file": output}
        )
