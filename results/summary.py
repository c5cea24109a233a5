"""A region's results in a cycle as plain data: the weighted compliance and bonus over its indicators' results,
counts by classification and dimensión, and completeness. What the dashboards show and what closing a cycle
freezes.

Pure: no ORM. `RegionResult.to_json()` is stored in a snapshot; `RegionResult.from_json()` reads it back,
so a closed cycle's dashboard is drawn from exactly what was frozen.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, fields, replace
from decimal import Decimal

from evaluation.scoring import (
    Achievement,
    Classification,
    Compliance,
    Rules,
    WeightedIndicator,
    bonus_tier,
    incentive_compliance,
    institutional_compliance,
)
from indicators.calculations import ScopeCounts, budget_execution, count_scopes, unit_cost
from indicators.results import IndicatorResult, StoredResults, decode, encode

PENDING = Classification.PENDING
CLASSIFICATIONS = list(Classification)


@dataclass
class ProductLine:
    """A producto estratégico as stored with the region's result: what the dashboard's table of products shows
    (its indicators in the cycle by ámbito, how many met and were measured, its money in the cycle's year in
    M$, None when not recorded)."""

    number: int
    name: str
    is_institutional: bool
    allocated: Decimal | None = None
    executed: Decimal | None = None
    output: Decimal | None = None  # units delivered in the year, in `output_unit`
    output_unit: str = ""
    money_is_illustrative: bool = False  # the demonstration's invented amounts, labelled where shown
    scope_counts: ScopeCounts = field(default_factory=ScopeCounts)
    met: int = 0
    measured: int = 0

    @property
    def execution(self) -> Decimal | None:
        return budget_execution(self.executed, self.allocated)

    @property
    def unit_cost(self) -> Decimal | None:
        return unit_cost(self.executed, self.output)

    def counted(self, indicators: Iterable[IndicatorResult]) -> ProductLine:
        """Return the line with the counts of its own indicators among those."""
        own = [item for item in indicators if item.product_number == self.number]
        return replace(
            self,
            scope_counts=count_scopes(item.control_scope for item in own),
            met=sum(1 for item in own if item.state.is_met),
            measured=sum(1 for item in own if item.classification != PENDING),
        )

    @classmethod
    def from_json(cls, data: dict) -> ProductLine:
        data = dict(data)
        for key in ("allocated", "executed", "output"):
            data[key] = None if data.get(key) is None else Decimal(data[key])
        data["scope_counts"] = ScopeCounts(**data.get("scope_counts", {}))
        return cls(**data)


_LISTS = ("indicators", "products")  # encoded item by item


@dataclass
class RegionResult:
    region_code: str
    region_name: str
    government_name: str
    cycle_year: int
    indicators: Sequence[IndicatorResult]  # a list, or StoredResults as read back
    committed: Decimal
    earned: Decimal
    compliance: Decimal | None
    pending: int
    bonus_rate: Decimal
    bonus_share: Decimal
    required_values: int
    entered_values: int
    submission_status: str
    sent_on_time: bool | None  # None: no deadline, or not sent and not yet due (when computed)
    frozen: bool = False
    # The deadline «a tiempo» is judged by (ISO date; None: none set): pages read a result stored before it
    # passed as late when the data was still not sent (results.selectors.outcomes).
    deadline: str | None = None
    # The PMG's compliance (None: no systems committed) and the compliance that decides the incentive (the
    # indicators' alone unless the cycle gives the PMG a weight); the bonus follows the latter.
    pmg_compliance: Decimal | None = None
    incentive_compliance: Decimal | None = None
    # Whether the PMG is «pendiente» (systems committed, DIPRES validated none): its 0 enters the incentive
    # provisionally, and pages say «pendiente» of it (pmg.selectors.PmgSummary.pending).
    pmg_pending: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    by_dimension: dict[str, dict[str, int]] = field(default_factory=dict)
    # The products the cycle lists for the region, with their money (compute.py attaches them).
    products: list[ProductLine] = field(default_factory=list)
    # A digest of the summary above, set when the result is stored: pages key what they draw of it by this.
    digest: str = ""

    @property
    def count_rows(self) -> list[tuple[Classification, int]]:
        """Return how many indicators are in each classification, pendiente last, for the summary cards."""
        return [(state, self.counts.get(state, 0)) for state in CLASSIFICATIONS]

    @property
    def completeness(self) -> Decimal | None:
        """Return the share of required values entered, in percent; None when none are required."""
        if not self.required_values:
            return None
        return Decimal(self.entered_values) * 100 / Decimal(self.required_values)

    def dimension_share_met(self, dimension: str) -> Decimal | None:
        """Return the share of the dimension's measured indicators that are cumplidos, in percent."""
        counts = self.by_dimension.get(dimension)
        if not counts:
            return None
        measured = sum(counts.get(c, 0) for c in CLASSIFICATIONS if c != PENDING)
        if not measured:
            return None
        return Decimal(counts.get(Classification.MET.value, 0)) * 100 / Decimal(measured)

    def to_json(self) -> dict:
        """Return the result as JSON data (what `from_json` reads back)."""
        data = {item.name: getattr(self, item.name) for item in fields(self) if item.name not in _LISTS}
        return {
            **encode(data),
            "products": [encode(asdict(product)) for product in self.products],
            "indicators": [item.to_json() for item in self.indicators],
        }

    @classmethod
    def from_json(cls, data: dict) -> RegionResult:
        result = cls.from_stored(data, data["indicators"], products=data.get("products"))
        result.frozen = True
        return result

    @classmethod
    def from_stored(
        cls, summary: dict, indicators: list | str | None, keys: list | None = None, products: list | None = None
    ) -> RegionResult:
        """Return the result as results.models.StoredRegionResult keeps it (frozen as it was stored); without
        `indicators` and `products` (None) their lists are left empty, for pages that show only the summary.
        The indicators may be their JSON text, parsed when one is first read, and `keys` each one's [code,
        digest]."""
        data = dict(summary)
        data["indicators"] = StoredResults(indicators or [], keys or None)
        data["products"] = [ProductLine.from_json(item) for item in products or []]
        return decode(cls, data)


def summarise(
    *,
    region_code: str,
    region_name: str,
    government_name: str,
    cycle_year: int,
    indicators: list[IndicatorResult],
    rules: Rules,
    required_values: int,
    entered_values: int,
    submission_status: str,
    sent_on_time: bool | None,
    pmg_compliance: Decimal | None = None,
    pmg_pending: bool = False,
    deadline: datetime.date | None = None,
) -> RegionResult:
    """Return the region's result: weighted compliance and bonus over the indicators that count, counts by
    classification and by dimensión, and data completeness."""
    weighted = []
    for item in indicators:
        achievement = None
        if item.classification != PENDING:
            achievement = Achievement(item.percent, Classification(item.classification), item.overachieved)
        weighted.append(WeightedIndicator(item.weight, achievement, item.counts and not item.excused))
    compliance: Compliance = institutional_compliance(weighted, rules)
    deciding = incentive_compliance(compliance.percent, pmg_compliance, rules)
    tier = bonus_tier(deciding, rules)
    counts = dict.fromkeys(CLASSIFICATIONS, 0)
    by_dimension: dict[str, dict[str, int]] = {}
    for item in indicators:
        counts[item.classification] += 1
        by_dimension.setdefault(item.dimension, dict.fromkeys(CLASSIFICATIONS, 0))[item.classification] += 1
    return RegionResult(
        region_code=region_code,
        region_name=region_name,
        government_name=government_name,
        cycle_year=cycle_year,
        indicators=indicators,
        committed=compliance.committed,
        earned=compliance.earned,
        compliance=compliance.percent,
        pending=compliance.pending,
        bonus_rate=tier.rate,
        bonus_share=tier.share,
        required_values=required_values,
        entered_values=entered_values,
        submission_status=submission_status,
        sent_on_time=sent_on_time,
        deadline=deadline.isoformat() if deadline else None,
        pmg_compliance=pmg_compliance,
        pmg_pending=pmg_pending,
        incentive_compliance=deciding,
        counts=counts,
        by_dimension=by_dimension,
    )
