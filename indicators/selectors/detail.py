"""One indicator's page in a cycle: its definition, figures, result, analysis, commitments and evidence."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from evaluation.models import EvaluationCycle
from indicators.models import (
    CommitmentStatus,
    Evidence,
    ImprovementCommitment,
    Indicator,
)
from indicators.selectors.rows import IndicatorRow, cycle_entry_columns, indicator_rows
from regions.models import Region


@dataclass
class IndicatorDetail:
    """An indicator's file for one cycle."""

    indicator: Indicator
    row: IndicatorRow
    years: list[int]
    commitments: list[ImprovementCommitment]
    evidence: list[Evidence]

    @property
    def active_evidence(self) -> list[Evidence]:
        return [item for item in self.evidence if not item.withdrawn]

    @property
    def withdrawn_evidence(self) -> list[Evidence]:
        return [item for item in self.evidence if item.withdrawn]


def indicator_detail(*, region: Region, cycle: EvaluationCycle, code: str) -> IndicatorDetail:
    """Return the indicator's file: figures in the entry columns, result, analysis, commitments, evidence.

    Commitments are this cycle's and the earlier cycles' still open ones (they are followed up here).
    Raises Http404 for an unknown code in the region. A constant number of queries.
    """
    queryset = Indicator.objects.filter(region=region, code=code, weightings__cycle=cycle).select_related(
        "product", "region"
    )
    rows = indicator_rows(cycle=cycle, indicators=queryset, columns=cycle_entry_columns(cycle))
    if not rows:
        raise Http404(
            _("%(region)s no tiene el indicador %(code)s en el ciclo %(year)s.")
            % {"code": code, "region": region.name, "year": cycle.year}
        )
    row = rows[0]
    commitments = list(
        ImprovementCommitment.objects.filter(indicator=row.indicator, cycle__year__lte=cycle.year)
        .filter(Q(cycle=cycle) | Q(status__in=[CommitmentStatus.PENDING, CommitmentStatus.IN_PROGRESS]))
        .select_related("cycle")
        .order_by("due_date", "pk")
    )
    evidence = list(
        Evidence.objects.filter(indicator=row.indicator, year__gte=cycle.first_year, year__lte=cycle.year)
        .select_related("uploaded_by")
        .order_by("-year", "-uploaded_at")
    )
    years = list(range(cycle.first_year, cycle.year + 1))
    return IndicatorDetail(row.indicator, row, years, commitments, evidence)
