"""Pure, exact scoring: achievement against targets, classification, institutional compliance, bonus.

No ORM here. Rule sources: domain.md §3 (cumplimiento, classification, sobrecumplimiento) and §4
(ponderación, PMG bonus under Ley 19.553 art. 6 as amended from 2012). Every threshold comes from
`Rules`, which an evaluation cycle builds from its own configurable settings.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from django.utils.translation import gettext_lazy

from core.numbers import Number, exact, round_half_up

HUNDRED = Decimal(100)


class Classification(enum.StrEnum):
    """An indicator's result in a cycle: the three DIPRES classes, and pendiente while it cannot be assessed."""

    MET = "cumplido"
    PARTIAL = "parcialmente_cumplido"
    NOT_MET = "no_cumplido"
    PENDING = "pendiente"

    @property
    def label(self) -> str:
        """Return the classification in words of the page's language."""
        return str(_CLASSIFICATION_LABELS[self])

    @property
    def css(self) -> str:
        """Return the Bootstrap colour of its badge (the word is always shown beside it)."""
        return _CLASSIFICATION_CSS[self]

    @property
    def is_met(self) -> bool:
        return self is Classification.MET

    @property
    def is_partial(self) -> bool:
        return self is Classification.PARTIAL

    @property
    def is_pending(self) -> bool:
        return self is Classification.PENDING


_CLASSIFICATION_LABELS = {
    Classification.MET: gettext_lazy("cumplido"),
    Classification.PARTIAL: gettext_lazy("parcialmente cumplido"),
    Classification.NOT_MET: gettext_lazy("no cumplido"),
    Classification.PENDING: gettext_lazy("pendiente"),
}
_CLASSIFICATION_CSS = {
    Classification.MET: "success",
    Classification.PARTIAL: "warning",
    Classification.NOT_MET: "danger",
    Classification.PENDING: "secondary",
}


class Weighting(enum.StrEnum):
    ALL_OR_NOTHING = "todo_o_nada"
    PROPORTIONAL = "proporcional"


@dataclass(frozen=True)
class Rules:
    """A cycle's scoring rules; the defaults are DIPRES's."""

    met_threshold: Decimal = Decimal(95)
    partial_threshold: Decimal = Decimal(80)
    overachievement_threshold: Decimal = Decimal(130)
    scoring_cap: Decimal | None = None
    weighting: Weighting = Weighting.ALL_OR_NOTHING
    bonus_full_threshold: Decimal = Decimal(90)
    bonus_partial_threshold: Decimal = Decimal(75)
    bonus_full_rate: Decimal = Decimal("7.6")
    bonus_partial_rate: Decimal = Decimal("3.8")
    # The PMG's weight (%) in the compliance that decides the incentive; 0: the indicators alone.
    pmg_share: Decimal = Decimal(0)
    # Percentages are compared at the precision they are shown with, so a page never shows «95,00 %»
    # beside «parcialmente cumplido».
    places: int = 2


@dataclass(frozen=True)
class Achievement:
    """Cumplimiento of one indicator: percent is None where the ratio is undefined but the target is met."""

    percent: Decimal | None
    classification: Classification
    overachieved: bool

    def score(self, rules: Rules) -> Decimal:
        """Return the percent used for scoring: capped by the cycle's cap; 100 where undefined but met."""
        percent = HUNDRED if self.percent is None else self.percent
        if rules.scoring_cap is not None:
            percent = min(percent, rules.scoring_cap)
        return percent


def classify(percent: Decimal, rules: Rules = Rules()) -> Classification:
    """Return cumplido (≥ met threshold), parcialmente cumplido (≥ partial threshold) or no cumplido."""
    if percent >= rules.met_threshold:
        return Classification.MET
    if percent >= rules.partial_threshold:
        return Classification.PARTIAL
    return Classification.NOT_MET


def achievement(
    actual: Number | None, target: Number | None, *, descending: bool, rules: Rules = Rules()
) -> Achievement | None:
    """Return the achievement of an efectivo against its meta; None while either is missing (pending).

    Ascendente: efectivo / meta × 100; descendente: meta / efectivo × 100; uncapped. Computed in one exact
    rational step from the exact values (pass `Fraction`s: `indicators.calculations.indicator_ratio`) and
    rounded half up once to `rules.places`, so 94,995 % is 95,00 % whichever way it was reached. Values are
    never negative, so where the divisor is 0 (an ascendente meta of 0, a descendente efectivo of 0) the
    target is met or beaten: cumplido, with no percentage to show.
    """
    if actual is None or target is None:
        return None
    dividend, divisor = (exact(target), exact(actual)) if descending else (exact(actual), exact(target))
    if divisor == 0:
        return Achievement(percent=None, classification=Classification.MET, overachieved=False)
    percent = round_half_up(dividend / divisor * 100, rules.places)
    return Achievement(
        percent=percent,
        classification=classify(percent, rules),
        overachieved=percent > rules.overachievement_threshold,
    )


@dataclass(frozen=True)
class WeightedIndicator:
    """One indicator's part in the institution's score: its ponderación and achievement (None: pending).

    `counts` is False when the indicator does not count for the incentive in this cycle or DIPRES
    accepted external causes for missing it.
    """

    weight: Decimal
    achievement: Achievement | None
    counts: bool = True


def earned_weight(item: WeightedIndicator, rules: Rules = Rules()) -> Decimal:
    """Return the ponderación obtenida: never more than the ponderación comprometida, 0 while pending.

    All or nothing: the whole weight when cumplido. Proportional: weight × score / 100, at most the weight.
    """
    if item.achievement is None:
        return Decimal(0)
    if rules.weighting == Weighting.ALL_OR_NOTHING:
        return item.weight if item.achievement.classification == Classification.MET else Decimal(0)
    # weight (2 decimals) × score (2 decimals) / 100 has at most 6 decimals: exact in Decimal.
    return min(item.weight, item.weight * item.achievement.score(rules) / HUNDRED)


@dataclass(frozen=True)
class Compliance:
    """The institution's weighted compliance; percent is None when no counting indicator has weight."""

    committed: Decimal
    earned: Decimal
    percent: Decimal | None
    pending: int


def institutional_compliance(items: Iterable[WeightedIndicator], rules: Rules = Rules()) -> Compliance:
    """Return Σ obtenida / Σ comprometida × 100 over the indicators that count, rounded to `rules.places`.

    Pending indicators earn nothing and are counted in `pending`, so a provisional score can say so.
    """
    committed = earned = Decimal(0)
    pending = 0
    for item in items:
        if not item.counts:
            continue
        committed += item.weight
        earned += earned_weight(item, rules)
        pending += item.achievement is None
    if committed == 0:
        return Compliance(committed=committed, earned=earned, percent=None, pending=pending)
    percent = round_half_up(Fraction(earned) / Fraction(committed) * 100, rules.places)
    return Compliance(committed=committed, earned=earned, percent=percent, pending=pending)


@dataclass(frozen=True)
class BonusTier:
    """A tier of the incentive: rate in percent of the salary base, share in percent of the full bonus."""

    rate: Decimal
    share: Decimal


def bonus_tier(compliance_percent: Decimal | None, rules: Rules = Rules()) -> BonusTier:
    """Return the bonus tier for an institutional compliance: full, half or nothing (None earns nothing)."""
    if compliance_percent is not None and compliance_percent >= rules.bonus_full_threshold:
        return BonusTier(rate=rules.bonus_full_rate, share=HUNDRED)
    if compliance_percent is not None and compliance_percent >= rules.bonus_partial_threshold:
        share = exact(rules.bonus_partial_rate) / exact(rules.bonus_full_rate) * 100
        return BonusTier(rate=rules.bonus_partial_rate, share=round_half_up(share, rules.places))
    return BonusTier(rate=Decimal(0), share=Decimal(0))


def incentive_compliance(indicators: Decimal | None, pmg: Decimal | None, rules: Rules = Rules()) -> Decimal | None:
    """Return the compliance that decides the incentive: the indicators' alone, or, where the cycle gives the
    PMG a weight and the region committed PMG systems, (1 − w) × indicators + w × PMG. None while the
    indicators' compliance is None (nothing to score yet)."""
    if indicators is None:
        return None
    if not rules.pmg_share or pmg is None:
        return indicators
    share = rules.pmg_share / 100
    return round_half_up(indicators * (1 - share) + pmg * share, rules.places)
