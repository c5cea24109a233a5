"""Reads of evaluations shaped for pages: a region's evaluations in a cycle with their commitments' state, the
cycle's summary per region, the open commitments of /pendientes/, the lists a form offers, and the ex ante
recommendations the budget page shows. Each a constant number of queries."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from evaluation.models import EvaluationCycle
from indicators.models import StrategicProduct
from indicators.selectors import Change, recorded_changes
from indicators.vocabulary import CommitmentStatus
from programs.models import EvaluationLine, InstitutionalCommitment, ProgramEvaluation, Verdict
from programs.vocabulary import EvaluationScope
from regions.models import Region

OPEN = (CommitmentStatus.PENDING, CommitmentStatus.IN_PROGRESS)


@dataclass
class CommitmentCounts:
    """How a set of compromisos institucionales stands on a day."""

    total: int = 0
    done: int = 0
    missed: int = 0
    open: int = 0
    overdue: int = 0

    def add(self, commitment: InstitutionalCommitment, today: datetime.date) -> None:
        self.total += 1
        if commitment.status == CommitmentStatus.DONE:
            self.done += 1
        elif commitment.status == CommitmentStatus.MISSED:
            self.missed += 1
        else:
            self.open += 1
            self.overdue += commitment.due_date < today


@dataclass
class EvaluationRow:
    """An evaluation as a page of a cycle shows it: with its commitments and how they stand."""

    evaluation: ProgramEvaluation
    commitments: list[InstitutionalCommitment]
    counts: CommitmentCounts
    today: datetime.date
    cycle: EvaluationCycle | None = None

    @property
    def from_earlier_cycle(self) -> bool:
        """Return whether the evaluation was made in an earlier cycle (shown for its open commitments)."""
        return self.cycle is not None and self.evaluation.cycle_id != self.cycle.pk

    def overdue(self, commitment: InstitutionalCommitment) -> bool:
        return commitment.is_overdue_on(self.today)


@dataclass
class RegionEvaluations:
    """A region's evaluations shown in a cycle, and the state of all their commitments."""

    rows: list[EvaluationRow] = field(default_factory=list)
    counts: CommitmentCounts = field(default_factory=CommitmentCounts)

    def __bool__(self) -> bool:
        return bool(self.rows)


def _shown_in(cycle: EvaluationCycle) -> Q:
    """The evaluations a cycle's pages show: its own, and earlier ones of the same kind of cycle (real or
    illustrative) that still have an open commitment (followed up from the later cycle)."""
    return Q(cycle__is_illustrative=cycle.is_illustrative) & (
        Q(cycle=cycle) | Q(cycle__year__lt=cycle.year, commitments__status__in=OPEN)
    )


def _evaluations(queryset: QuerySet[ProgramEvaluation]) -> QuerySet[ProgramEvaluation]:
    return (
        queryset.select_related("line", "verdict", "product", "cycle", "region")
        .prefetch_related(Prefetch("commitments", queryset=InstitutionalCommitment.objects.order_by("due_date", "pk")))
        .order_by("-cycle__year", "line__order", "program", "pk")
    )


def region_evaluations(*, region: Region, cycle: EvaluationCycle, today: datetime.date) -> RegionEvaluations:
    """Return the region's evaluations shown in the cycle, newest cycle first (two queries)."""
    ids = ProgramEvaluation.objects.filter(_shown_in(cycle), region=region).values("pk")
    shown = RegionEvaluations()
    for evaluation in _evaluations(ProgramEvaluation.objects.filter(pk__in=ids)):
        commitments = list(evaluation.commitments.all())
        counts = CommitmentCounts()
        for commitment in commitments:
            counts.add(commitment, today)
            shown.counts.add(commitment, today)
        shown.rows.append(EvaluationRow(evaluation, commitments, counts, today, cycle))
    return shown


def evaluation_get(*, region: Region, cycle: EvaluationCycle, pk: int, today: datetime.date) -> EvaluationRow:
    """Return one evaluation the cycle's pages show for the region; Http404 otherwise (another region's id,
    a cycle that does not show it)."""
    shown = region_evaluations(region=region, cycle=cycle, today=today)
    row = next((row for row in shown.rows if row.evaluation.pk == pk), None)
    if row is None:
        raise Http404(_("La evaluación no se muestra en el ciclo %(year)s de esta región.") % {"year": cycle.year})
    return row


def cycle_summary(*, cycle: EvaluationCycle, today: datetime.date) -> dict[str, tuple[int, CommitmentCounts]]:
    """Return {region ISO code: (evaluations shown in the cycle, their commitments' counts)} (one query)."""
    ids = ProgramEvaluation.objects.filter(_shown_in(cycle)).values("pk")
    rows = ProgramEvaluation.objects.filter(pk__in=ids).values_list(
        "pk", "region__iso_code", "commitments__status", "commitments__due_date"
    )
    evaluations: dict[str, set[int]] = {}
    counts: dict[str, CommitmentCounts] = {}
    for pk, code, status, due_date in rows:  # an evaluation without commitments comes once, with None
        evaluations.setdefault(code, set()).add(pk)
        region_counts = counts.setdefault(code, CommitmentCounts())
        if status is not None:
            region_counts.add(InstitutionalCommitment(status=status, due_date=due_date), today)
    return {code: (len(pks), counts[code]) for code, pks in evaluations.items()}


def open_commitments(*, region: Region, cycle: EvaluationCycle) -> list[InstitutionalCommitment]:
    """Return the region's open compromisos institucionales followed up from the cycle, by due date."""
    return list(
        InstitutionalCommitment.objects.filter(
            evaluation__region=region,
            evaluation__cycle__year__lte=cycle.year,
            evaluation__cycle__is_illustrative=cycle.is_illustrative,
            status__in=OPEN,
        )
        .select_related("evaluation__line", "evaluation__cycle")
        .order_by("due_date", "pk")
    )


def ex_ante_by_product(*, region: Region, cycle: EvaluationCycle) -> dict[int, list[ProgramEvaluation]]:
    """Return {product id: its programs' ex ante evaluations in the cycle} for the budget page (one query)."""
    found: dict[int, list[ProgramEvaluation]] = {}
    for evaluation in ProgramEvaluation.objects.filter(
        region=region, cycle=cycle, line__scope=EvaluationScope.EX_ANTE, product__isnull=False
    ).select_related("verdict", "line"):
        found.setdefault(evaluation.product_id, []).append(evaluation)
    return found


def lines_active() -> QuerySet[EvaluationLine]:
    return EvaluationLine.objects.filter(is_active=True)


def verdicts_of(cycle: EvaluationCycle) -> QuerySet[Verdict]:
    return Verdict.objects.filter(cycle=cycle).order_by("kind", "order", "code")


_HISTORY_FIELDS = {
    ProgramEvaluation: [
        "line_id",
        "program",
        "product_id",
        "evaluator",
        "started_on",
        "finished_on",
        "verdict_id",
        "summary",
        "report_name",
        "is_illustrative",
    ],
    InstitutionalCommitment: ["description", "owner", "due_date", "status", "follow_up"],
}


def evaluation_changes(*, evaluation: ProgramEvaluation) -> list[Change]:
    """Return every recorded change to the evaluation and its commitments, newest first (four queries)."""
    lines = {line.pk: line.label for line in EvaluationLine.objects.all()}
    verdicts = {verdict.pk: verdict.label for verdict in Verdict.objects.filter(cycle_id=evaluation.cycle_id)}
    products = {p.pk: f"{p.number}. {p.name}" for p in StrategicProduct.objects.filter(region_id=evaluation.region_id)}

    def named(names: dict) -> Callable[[object], str]:
        return lambda value: "—" if value is None else names.get(value, str(value))

    def subject(model, record) -> str:
        if model is InstitutionalCommitment:
            return f"{_('Compromiso institucional')}: {record.description[:60]}"
        return str(_("Evaluación"))

    return recorded_changes(
        [
            (ProgramEvaluation, ProgramEvaluation.history.filter(id=evaluation.pk)),
            (InstitutionalCommitment, InstitutionalCommitment.history.filter(evaluation_id=evaluation.pk)),
        ],
        fields=_HISTORY_FIELDS,
        subject=subject,
        shown={"line_id": named(lines), "verdict_id": named(verdicts), "product_id": named(products)},
    )
