"""A region's results in a cycle as plain data: the weighted compliance and bonus over its indicators' results,
counts by classification and dimensión, and completeness. What the dashboards show and what closing a cycle
freezes.

Pure: no ORM. `RegionResult.to_json()` is stored in a snapshot; `RegionResult.from_json()` reads it back,
so a closed cycle's dashboard is drawn from exactly what was frozen.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from decimal import Decimal

from evaluation.scoring import (
    Achievement,
    Classification,
    Compliance,
    Rules,
    WeightedIndicator,
    bonus_tier,
    institutional_compliance,
)
from indicators.results import IndicatorResult, decode, encode

PENDING = Classification.PENDING
CLASSIFICATIONS = list(Classification)


@dataclass
class RegionResult:
    region_code: str
    region_name: str
    government_name: str
    cycle_year: int
    indicators: list[IndicatorResult]
    committed: Decimal
    earned: Decimal
    compliance: Decimal | None
    pending: int
    bonus_rate: Decimal
    bonus_share: Decimal
    required_values: int
    entered_values: int
    submission_status: str
    sent_on_time: bool | None
    frozen: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    by_dimension: dict[str, dict[str, int]] = field(default_factory=dict)
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
        data = {item.name: getattr(self, item.name) for item in fields(self) if item.name != "indicators"}
        return {**encode(data), "indicators": [item.to_json() for item in self.indicators]}

    @classmethod
    def from_json(cls, data: dict) -> RegionResult:
        data = dict(data)
        data["indicators"] = [decode(IndicatorResult, item) for item in data["indicators"]]
        result = decode(cls, data)
        result.frozen = True
        return result

    @classmethod
    def from_stored(cls, summary: dict, indicators: list | None) -> RegionResult:
        """Return the result as results.models.StoredRegionResult keeps it (frozen as it was stored); without
        `indicators` (None) the list is left empty, for pages that show only the summary."""
        data = dict(summary)
        data["indicators"] = [decode(IndicatorResult, item) for item in indicators or []]
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
    tier = bonus_tier(compliance.percent, rules) if compliance.percent is not None else bonus_tier(None, rules)
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
        counts=counts,
        by_dimension=by_dimension,
    )
