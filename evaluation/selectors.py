"""Reads of evaluation cycles."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from evaluation.models import (
    CycleSnapshot,
    EvaluationCycle,
    Stage,
    Submission,
    SubmissionAction,
    SubmissionEvent,
    SubmissionStatus,
)


def cycles_all() -> QuerySet[EvaluationCycle]:
    """Return every cycle, newest first."""
    return EvaluationCycle.objects.order_by("-year")


def cycle_current() -> EvaluationCycle | None:
    """Return the cycle pages open on: the newest open cycle where some region committed indicators, else the
    newest open one, else the newest closed one; None when there are none.

    A cycle just created (no commitments yet) does not hide the one everyone is working on.
    """
    open_cycles = EvaluationCycle.objects.exclude(stage=Stage.CLOSED).order_by("-year")
    return (
        open_cycles.filter(commitments__isnull=False).first()
        or open_cycles.first()
        or EvaluationCycle.objects.order_by("-year").first()
    )


def cycles_for_region(region) -> list[EvaluationCycle]:
    """Return the cycles of the years the region existed in, newest first (Ñuble's start in 2018)."""
    return [cycle for cycle in cycles_all() if region.exists_in(cycle.year)]


def cycles_open() -> list[EvaluationCycle]:
    """Return the cycles that are not closed, newest first: the ones with work still to do."""
    return list(EvaluationCycle.objects.exclude(stage=Stage.CLOSED).order_by("-year"))


def cycle_get(*, year: int, region=None) -> EvaluationCycle:
    """Return the cycle of that budget year; raises Http404 when there is none, or when `region` did not
    exist in that year (Ñuble has no 2012 cycle)."""
    try:
        cycle = EvaluationCycle.objects.get(year=year)
    except EvaluationCycle.DoesNotExist:
        raise Http404(_("No existe el ciclo %(year)s.") % {"year": year}) from None
    if region is not None and not region.exists_in(year):
        raise Http404(
            _("La región de %(region)s no existía en %(year)s: no tiene ciclo %(year)s.")
            % {"region": region.name, "year": year}
        )
    return cycle


def cycle_from_query(value: str | None, *, regions=None) -> EvaluationCycle | None:
    """Return the cycle a page's «?ciclo=» asks for; when absent or unknown, the newest open cycle where one of
    `regions` (the person's) committed indicators, else the current one."""
    if value and value.isdigit():
        chosen = EvaluationCycle.objects.filter(year=int(value)).first()
        if chosen is not None:
            return chosen
    if regions is not None:
        own = (
            EvaluationCycle.objects.exclude(stage=Stage.CLOSED)
            .filter(commitments__indicator__region__in=regions)
            .order_by("-year")
            .first()
        )
        if own is not None:
            return own
    return cycle_current()


def submission_for(*, region, cycle: EvaluationCycle) -> Submission:
    """Return the region's submission for the cycle with its events; an unsaved borrador when there is none."""
    submission = (
        Submission.objects.filter(region=region, cycle=cycle)
        .prefetch_related(
            Prefetch("events", queryset=SubmissionEvent.objects.select_related("actor"), to_attr="prefetched_events")
        )
        .first()
    )
    if submission is None:
        submission = Submission(region=region, cycle=cycle)
        submission.prefetched_events = []
    return submission


@dataclass
class RegionPending:
    """What an analyst still has to do for one region in a cycle."""

    region: object
    cycle: EvaluationCycle
    submission: Submission
    missing: list  # IndicatorRow with missing figures
    needs_analysis: list  # IndicatorRow missing causes or justification
    open_commitments: list
    problems: list[str]

    @property
    def returned_event(self):
        """Return the reviewer's last return or reopening, while the data is back with the analysts."""
        if self.submission.status not in (SubmissionStatus.RETURNED, SubmissionStatus.REOPENED):
            return None
        return next(
            (
                e
                for e in self.submission.prefetched_events
                if e.action in (SubmissionAction.RETURN, SubmissionAction.REOPEN)
            ),
            None,
        )

    @property
    def ready_to_send(self) -> bool:
        """Return whether nothing blocks sending and the data is still with the analysts."""
        return self.submission.is_editable and not self.problems

    @property
    def is_clear(self) -> bool:
        return not (self.missing or self.needs_analysis or self.problems) and self.submission.status in (
            SubmissionStatus.SENT,
            SubmissionStatus.APPROVED,
        )


def pending_for(*, user, cycle: EvaluationCycle) -> list[RegionPending]:
    """Return, for each region the user edits, what is still pending in the cycle.

    A constant number of queries per region (regions are one or two for an analyst).
    """
    from indicators.models import ImprovementCommitment
    from indicators.selectors import cycle_indicators, cycle_required_columns, indicator_rows, submission_problems
    from regions.selectors import regions_editable_by

    pending = []
    for region in regions_editable_by(user).in_year(cycle.year):
        rows = indicator_rows(
            cycle=cycle, indicators=cycle_indicators(region=region, cycle=cycle), columns=cycle_required_columns(cycle)
        )
        if not rows:
            continue
        commitments = list(
            ImprovementCommitment.objects.filter(
                indicator__region=region,
                cycle__year__lte=cycle.year,
                cycle__is_illustrative=cycle.is_illustrative,  # a demonstration's commitments stay in it
                status__in=["pendiente", "en_curso"],
            )
            .select_related("indicator", "cycle")
            .order_by("due_date")
        )
        pending.append(
            RegionPending(
                region=region,
                cycle=cycle,
                submission=submission_for(region=region, cycle=cycle),
                missing=[row for row in rows if row.missing],
                needs_analysis=[row for row in rows if row.needs_causes or row.needs_justification],
                open_commitments=commitments,
                problems=submission_problems(region=region, cycle=cycle, rows=rows),
            )
        )
    return pending


def pending_by_cycle(*, user) -> list[tuple[EvaluationCycle, list[RegionPending]]]:
    """Return what is pending for the user's regions in every open cycle, newest cycle first.

    Opening a new cycle never hides the previous one's open work (a return to answer, a send to make).
    Cycles where the user's regions committed nothing are left out.
    """
    groups = [(cycle, pending_for(user=user, cycle=cycle)) for cycle in cycles_open()]
    return [(cycle, regions) for cycle, regions in groups if regions]


@dataclass
class CycleQueue:
    """The review queue of one open cycle: submissions awaiting review first; regions not yet started."""

    cycle: EvaluationCycle
    submissions: list[Submission]
    not_started: list

    @property
    def awaiting(self) -> int:
        return sum(submission.status == SubmissionStatus.SENT for submission in self.submissions)


def review_queues() -> list[CycleQueue]:
    """Return the review queue of every open cycle, those with submissions awaiting review first.

    Regions that committed indicators in a cycle but never saved anything are listed as not started.
    """
    from indicators.models import IndicatorCommitment
    from regions.models import Region

    queues = []
    for cycle in cycles_open():
        submissions = review_queue(cycle=cycle)
        started = {submission.region_id for submission in submissions}
        committed = set(
            IndicatorCommitment.objects.filter(cycle=cycle).values_list("indicator__region_id", flat=True).distinct()
        )
        not_started = list(Region.objects.in_year(cycle.year).filter(pk__in=committed - started))
        if submissions or not_started:
            queues.append(CycleQueue(cycle, submissions, not_started))
    return sorted(queues, key=lambda queue: (-queue.awaiting, -queue.cycle.year))


def review_queue(*, cycle: EvaluationCycle) -> list[Submission]:
    """Return the cycle's submissions, those waiting for review first, then by region."""
    order = {
        SubmissionStatus.SENT: 0,
        SubmissionStatus.RETURNED: 1,
        SubmissionStatus.DRAFT: 2,
        SubmissionStatus.APPROVED: 3,
    }
    submissions = list(
        Submission.objects.filter(cycle=cycle)
        .select_related("region")
        .prefetch_related(
            Prefetch("events", queryset=SubmissionEvent.objects.select_related("actor"), to_attr="prefetched_events")
        )
    )
    return sorted(submissions, key=lambda s: (order.get(s.status, 1), s.region.order))


def indicator_result(row, cycle: EvaluationCycle):
    """Return the plain result of an indicator row (indicators.selectors.IndicatorRow) in the cycle."""
    from evaluation.results import PENDING, IndicatorResult
    from indicators import calculations
    from indicators.models import MeasurementKind

    indicator, result = row.indicator, row.result
    actual = row.figures.get((cycle.year, MeasurementKind.ACTUAL))
    target = row.figures.get((cycle.year, MeasurementKind.TARGET))
    actual_points = sorted(
        (year, m.value)
        for (year, kind), m in row.figures.items()
        if kind == MeasurementKind.ACTUAL and m.value is not None
    )
    history = [(year, value) for year, value in actual_points if year < cycle.year]
    ceiling = indicator.factor if indicator.is_share else None
    series = sorted((year, kind, m.value) for (year, kind), m in row.figures.items())
    return IndicatorResult(
        code=indicator.code,
        name=indicator.name,
        product_number=indicator.product.number,
        product_name=indicator.product.name,
        dimension=indicator.dimension,
        control_scope=indicator.control_scope,
        unit=indicator.unit,
        decimals=indicator.decimals,
        is_descending=indicator.is_descending,
        is_illustrative=indicator.is_illustrative,
        weight=row.commitment.weight if row.commitment else Decimal(0),
        counts=bool(row.commitment and row.commitment.counts_for_incentive),
        excused=bool(row.deviation and row.deviation.external_accepted),
        actual=actual.value if actual else None,
        target=target.value if target else None,
        percent=result.percent if result else None,
        classification=result.classification.value if result else PENDING,
        overachieved=bool(result and result.overachieved),
        trend=calculations.trend([value for _, value in actual_points], descending=indicator.is_descending),
        ambition=calculations.ambition_flags(
            history,
            target.value if target else None,
            target_year=cycle.year,
            descending=indicator.is_descending,
            ceiling=ceiling,
        ),
        series=series,
        projection=calculations.trend_projection(history, cycle.year, ceiling=ceiling),
    )


def _sent_on_time(submission: Submission, cycle: EvaluationCycle, today) -> bool | None:
    """Return whether the data was sent by the deadline (None: no deadline, or not due yet)."""
    if cycle.data_deadline is None:
        return None
    sends = [e for e in submission.prefetched_events if e.action == SubmissionAction.SEND]
    if submission.status in (SubmissionStatus.SENT, SubmissionStatus.APPROVED) and sends:
        first_send = min(e.at for e in sends)
        return timezone.localdate(first_send) <= cycle.data_deadline
    return False if today > cycle.data_deadline else None


def cycle_results(*, cycle: EvaluationCycle, regions=None) -> list:
    """Return a RegionResult per region with indicators in the cycle (all regions, or those given), in
    geographic order. A closed cycle's results come from its snapshots, frozen at closing.

    A constant number of queries whatever the number of regions, indicators or years.
    """
    from evaluation.results import RegionResult, summarise
    from indicators.models import Indicator, MeasurementKind
    from indicators.selectors import cycle_display_columns, indicator_rows
    from regions.models import Region

    region_list = list(Region.objects.in_year(cycle.year) if regions is None else regions)
    if cycle.is_closed:
        snapshots = CycleSnapshot.objects.filter(cycle=cycle, region__in=region_list).select_related("region")
        frozen = {s.region_id: RegionResult.from_json(s.data) for s in snapshots}
        return [frozen[r.pk] for r in region_list if r.pk in frozen]

    indicators = (
        Indicator.objects.filter(region__in=region_list, commitments__cycle=cycle)
        .select_related("product")
        .order_by("region__order", "product__number", "code")
    )
    display = cycle_display_columns(cycle)
    # What the cycle needs: the form's figures and the efectivo t that scores the meta (not the efectivo
    # t-1 beside the estimate, which the evaluation does not use).
    required = [(column.year, column.kind) for column in display] + [(cycle.year, MeasurementKind.ACTUAL)]
    rows_by_region: dict[int, list] = {}
    for row in indicator_rows(cycle=cycle, indicators=indicators, columns=display):
        rows_by_region.setdefault(row.indicator.region_id, []).append(row)
    submissions = {
        s.region_id: s
        for s in Submission.objects.filter(cycle=cycle, region__in=region_list).prefetch_related(
            Prefetch("events", queryset=SubmissionEvent.objects.order_by("-at", "-pk"), to_attr="prefetched_events")
        )
    }
    rules, today = cycle.rules(), timezone.localdate()
    results = []
    for region in region_list:
        rows = rows_by_region.get(region.pk)
        if not rows:
            continue
        submission = submissions.get(region.pk)
        if submission is None:
            submission = Submission(region=region, cycle=cycle)
            submission.prefetched_events = []
        results.append(
            summarise(
                region_code=region.iso_code,
                region_name=region.name,
                government_name=region.government_name,
                cycle_year=cycle.year,
                indicators=[indicator_result(row, cycle) for row in rows],
                rules=rules,
                # Completeness counts every figure the cycle asks for, the efectivo t that scores it included:
                # an indicator still «pendiente» (no efectivo or meta t) always leaves completeness below 100 %.
                required_values=len(rows) * len(required),
                entered_values=sum(1 for row in rows for key in required if key in row.figures),
                submission_status=submission.status,
                sent_on_time=_sent_on_time(submission, cycle, today),
            )
        )
    return results


def region_result(*, region, cycle: EvaluationCycle):
    """Return the region's RegionResult in the cycle, or None when it has no indicators there."""
    results = cycle_results(cycle=cycle, regions=[region])
    return results[0] if results else None


def budgets_by_product(*, region, year: int) -> dict[int, object]:
    """Return {product number: ProductBudget} for the region's products in that year."""
    from indicators.models import ProductBudget

    budgets = ProductBudget.objects.filter(product__region=region, year=year).select_related("product")
    return {budget.product.number: budget for budget in budgets}


@dataclass
class ProductSummary:
    """A producto estratégico on the dashboard: its indicators by ámbito, how many met, and its money."""

    number: int
    name: str
    is_institutional: bool
    scope_counts: object
    met: int
    measured: int
    budget: object | None


def product_summaries(*, region, cycle: EvaluationCycle, result) -> list[ProductSummary]:
    """Return a summary per product the cycle lists for the region (products without indicators too), with
    its budget for the cycle's year. Two queries."""
    from evaluation.results import PENDING
    from indicators import calculations
    from indicators.selectors import cycle_products

    budgets = budgets_by_product(region=region, year=result.cycle_year)
    indicators = result.indicators if result else []
    summaries = []
    for product in cycle_products(region=region, cycle=cycle):
        own = [item for item in indicators if item.product_number == product.number]
        summaries.append(
            ProductSummary(
                number=product.number,
                name=product.name,
                is_institutional=product.is_institutional,
                scope_counts=calculations.count_scopes(item.control_scope for item in own),
                met=sum(1 for item in own if item.state.is_met),
                measured=sum(1 for item in own if item.classification != PENDING),
                budget=budgets.get(product.number),
            )
        )
    return summaries


def region_report(*, region, cycle: EvaluationCycle) -> dict:
    """Return what the region's report shows: strategic definitions, products, results, the analysis of
    each result and the improvement commitments. A constant number of queries."""
    from indicators.models import Deviation, ImprovementCommitment, StrategicDefinition
    from indicators.selectors import cycle_products

    result = region_result(region=region, cycle=cycle)
    definition = StrategicDefinition.objects.filter(region=region, cycle=cycle).prefetch_related("objectives").first()
    deviations = {
        d.indicator.code: d
        for d in Deviation.objects.filter(indicator__region=region, cycle=cycle).select_related("indicator")
    }
    commitments = list(
        ImprovementCommitment.objects.filter(
            indicator__region=region, cycle__year__lte=cycle.year, cycle__is_illustrative=cycle.is_illustrative
        )
        .select_related("indicator", "cycle")
        .order_by("indicator__code", "due_date")
    )
    return {
        "result": result,
        "definition": definition,
        "products": list(cycle_products(region=region, cycle=cycle)),
        "deviations": deviations,
        "commitments": commitments,
        "generated": timezone.localtime(),
    }
