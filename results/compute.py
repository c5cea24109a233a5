"""Computing each region's results in a cycle from its indicators' figures, weights and analyses, the cycle's
rules and the submission. Only results/store.py calls this, when an input changes; pages read what it stored."""

from __future__ import annotations

import datetime

from django.db.models import Prefetch
from django.utils import timezone

from evaluation.models import (
    CycleSnapshot,
    EvaluationCycle,
    Submission,
    SubmissionAction,
    SubmissionEvent,
)
from evaluation.selectors import cycle_deadline
from indicators.models import Indicator, MeasurementKind, ProductBudget
from indicators.results import indicator_result
from indicators.selectors import cycle_display_columns, cycle_products, indicator_rows
from pmg import selectors as pmg_selectors
from regions.models import Region
from results.summary import ProductLine, RegionResult, summarise


def _sent_on_time(submission: Submission, deadline: datetime.date | None, today: datetime.date) -> bool | None:
    """Return whether the region first sent its data to DIPRES (in Chile's calendar) on or before the deadline,
    whatever happened to it since (returned, reopened); None without a deadline, or while the data was never
    sent and the deadline has not passed."""
    if deadline is None:
        return None
    sends = [e.at for e in submission.prefetched_events if e.action == SubmissionAction.SEND]
    if sends:
        return timezone.localdate(min(sends)) <= deadline
    return False if today > deadline else None


def compute_cycle_results(*, cycle: EvaluationCycle, regions=None) -> list[RegionResult]:
    """Compute, from the figures, a RegionResult per region with indicators in the cycle (all regions, or
    those given), in geographic order. A closed cycle's results come from its snapshots, frozen at closing.

    A constant number of queries whatever the number of regions, indicators or years. Pages read the stored
    results instead (cycle_results); results/store.py calls this when their inputs change.
    """

    region_list = list(Region.objects.in_year(cycle.year) if regions is None else regions)
    results = _closed_results(cycle, region_list) if cycle.is_closed else _open_results(cycle, region_list)
    products = _products(cycle, [region for region, _result in results])
    for region, result in results:
        result.products = [line.counted(result.indicators) for line in products.get(region.pk, [])]
    return [result for _region, result in results]


def _closed_results(cycle: EvaluationCycle, region_list: list[Region]) -> list[tuple[Region, RegionResult]]:
    """Return the results frozen when the cycle closed (its snapshots)."""
    snapshots = CycleSnapshot.objects.filter(cycle=cycle, region__in=region_list)
    frozen = {s.region_id: RegionResult.from_json(s.data) for s in snapshots}
    return [(region, frozen[region.pk]) for region in region_list if region.pk in frozen]


def _products(cycle: EvaluationCycle, region_list: list[Region]) -> dict[int, list[ProductLine]]:
    """Return {region id: its products the cycle lists, with their money in the cycle's year} (two queries).

    Money is not frozen with a closed cycle's results: budgets are recorded and corrected after the fact."""
    if not region_list:
        return {}
    budgets = {
        budget.product_id: budget
        for budget in ProductBudget.objects.filter(product__region__in=region_list, year=cycle.year)
    }
    lines: dict[int, list[ProductLine]] = {}
    for product in cycle_products(regions=region_list, cycle=cycle).order_by("region_id", "number"):
        budget = budgets.get(product.pk)
        lines.setdefault(product.region_id, []).append(
            ProductLine(
                number=product.number,
                name=product.name,
                is_institutional=product.is_institutional,
                allocated=budget.allocated if budget else None,
                executed=budget.executed if budget else None,
                output=budget.output if budget else None,
                output_unit=product.output_unit,
                money_is_illustrative=bool(budget and budget.is_illustrative),
            )
        )
    return lines


def _open_results(cycle: EvaluationCycle, region_list: list[Region]) -> list[tuple[Region, RegionResult]]:
    """Return the results computed from the figures."""

    indicators = (
        Indicator.objects.filter(region__in=region_list, weightings__cycle=cycle)
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
    deadline = cycle_deadline(cycle)  # the one the reminders count from
    pmg = pmg_selectors.cycle_pmg(cycle=cycle)
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
            (
                region,
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
                    sent_on_time=_sent_on_time(submission, deadline, today),
                    deadline=deadline,
                    pmg_compliance=pmg[region.iso_code].compliance if region.iso_code in pmg else None,
                    pmg_pending=region.iso_code in pmg and pmg[region.iso_code].pending,
                ),
            )
        )
    return results
