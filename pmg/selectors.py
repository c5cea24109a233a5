"""Reads of the PMG and the self-assessment shaped for pages: a region's systems with its commitments and the
PMG's compliance, the self-assessment with its trend across cycles, and the cycle's summary per region."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from evaluation.models import EvaluationCycle
from pmg.models import ExcellenceCriterion, ManagementSystem, PmgCommitment, SelfAssessment
from regions.models import Region


@dataclass
class PmgSummary:
    """How a region's PMG stands in a cycle: systems committed, validated and met, and the compliance
    (weight of the systems met over the weight of those committed; provisional while some await validation)."""

    committed: int = 0
    validated: int = 0
    met: int = 0
    weight_committed: Decimal = Decimal(0)
    weight_met: Decimal = Decimal(0)
    illustrative: int = 0  # the demonstration's commitments, labelled where shown

    def __bool__(self) -> bool:
        return bool(self.committed)

    def add(self, commitment: PmgCommitment, weight: Decimal) -> None:
        self.committed += 1
        self.weight_committed += weight
        self.illustrative += commitment.is_illustrative
        if commitment.validated_stage is not None:
            self.validated += 1
            if commitment.met:
                self.met += 1
                self.weight_met += weight

    @property
    def compliance(self) -> Decimal | None:
        return self.weight_met / self.weight_committed * 100 if self.weight_committed else None

    @property
    def provisional(self) -> bool:
        return self.validated < self.committed

    @property
    def pending(self) -> bool:
        """Return whether systems are committed but DIPRES validated none: the compliance (0) says nothing yet,
        and pages say «pendiente», as they do of an indicator without its efectivo."""
        return bool(self.committed) and not self.validated


@dataclass
class RegionPmg:
    rows: list[tuple[ManagementSystem, PmgCommitment | None]] = field(default_factory=list)
    summary: PmgSummary = field(default_factory=PmgSummary)


def region_pmg(*, region: Region, cycle: EvaluationCycle) -> RegionPmg:
    """Return every management system of the cycle with the region's commitment, and the summary (two
    queries)."""
    commitments = {c.system_id: c for c in PmgCommitment.objects.filter(region=region, system__cycle=cycle)}
    found = RegionPmg()
    for system in ManagementSystem.objects.filter(cycle=cycle):
        commitment = commitments.get(system.pk)
        found.rows.append((system, commitment))
        if commitment is not None:
            found.summary.add(commitment, system.weight)
    return found


def cycle_pmg(*, cycle: EvaluationCycle) -> dict[str, PmgSummary]:
    """Return {region ISO code: its PMG summary in the cycle} for the regions with commitments (one query)."""
    found: dict[str, PmgSummary] = {}
    for commitment in PmgCommitment.objects.filter(system__cycle=cycle).select_related("system", "region"):
        found.setdefault(commitment.region.iso_code, PmgSummary()).add(commitment, commitment.system.weight)
    return found


@dataclass
class AssessmentRow:
    criterion: ExcellenceCriterion
    scores: list[int | None]  # per year of `years`, oldest first

    @property
    def trend(self) -> int | None:
        """Return the change of the last two scores given (None with fewer than two)."""
        given = [score for score in self.scores if score is not None]
        return given[-1] - given[-2] if len(given) >= 2 else None


def self_assessment(
    *, region: Region, cycle: EvaluationCycle
) -> tuple[list[int], list[AssessmentRow], list[int | None]]:
    """Return the years assessed up to the cycle's (same kind of cycle: real or illustrative), each criterion's
    score per year, and each year's total (two queries)."""
    scores = {
        (a.criterion_id, a.cycle.year): a.score
        for a in SelfAssessment.objects.filter(
            region=region, cycle__year__lte=cycle.year, cycle__is_illustrative=cycle.is_illustrative
        ).select_related("cycle")
    }
    years = sorted({year for _criterion, year in scores} | {cycle.year})
    rows = [AssessmentRow(c, [scores.get((c.pk, year)) for year in years]) for c in ExcellenceCriterion.objects.all()]
    totals = (
        [
            sum(s for s in column if s is not None) if any(s is not None for s in column) else None
            for column in zip(*(row.scores for row in rows), strict=True)
        ]
        if rows
        else []
    )
    return years, rows, totals


def criteria() -> list[ExcellenceCriterion]:
    return list(ExcellenceCriterion.objects.all())


def commitment_get(*, region: Region, cycle: EvaluationCycle, pk: int) -> PmgCommitment | None:
    return PmgCommitment.objects.filter(pk=pk, region=region, system__cycle=cycle).select_related("system").first()
