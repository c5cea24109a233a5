"""Results kept as data: each region's result in each cycle, stored and kept current by the writes that change it.

A page never recomputes a region's results from its figures: it reads the stored row (the national view reads
one small summary per region). `results/store.py` recomputes a row in the same transaction as the write that
changed its inputs (evaluation.versions.versions_raised).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class StoredRegionResult(models.Model):
    """A region's results in a cycle: the summary (compliance, bonus, counts, completeness) and each indicator's
    result, as `results.summary.RegionResult` stores them in JSON."""

    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="stored_results")
    cycle = models.ForeignKey("evaluation.EvaluationCycle", on_delete=models.CASCADE, related_name="stored_results")
    # False while the region has no indicators committed in the cycle (the row then only carries the version).
    has_result = models.BooleanField(default=False)
    summary = models.JSONField(default=dict, help_text=_("El resultado de la región sin la lista de indicadores."))
    # JSON text, not a JSON column: PostgreSQL serialises jsonb again on every read (0,7 ms for a region of 48
    # indicators, on every dashboard drawn again), and nothing queries inside it.
    indicators = models.TextField(default="[]", help_text=_("El resultado de cada indicador, en JSON."))
    # Each indicator's [code, digest], in order: what a page keys its drawing of each result by, read without
    # the results themselves (those are parsed only when a page draws one again).
    indicator_keys = models.JSONField(default=list, help_text=_("El código y el resumen de cada indicador."))
    # The products the cycle lists for the region, with their money and counts: only its dashboard reads them.
    products = models.JSONField(default=list, help_text=_("Los productos estratégicos, con su presupuesto."))
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("resultado almacenado de una región")
        verbose_name_plural = _("resultados almacenados de las regiones")
        constraints = [models.UniqueConstraint(fields=["region", "cycle"], name="one_stored_result_per_region_cycle")]

    def __str__(self) -> str:
        return f"{self.region_id} · {self.cycle_id}"
