"""Creating a cycle from the previous one (the rollover): its rules, each region's indicators with
their ponderación, and its strategic definitions, reviewed by an admin before anything is saved.

Figures are never carried: efectivos and metas are per indicator and year, so the earlier years already
show in the new cycle's window and the new ones are entered by the analysts. Strategic products are per
region and carry over by themselves; only their links to the copied objectives are renewed.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Collection
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from evaluation.models import EvaluationCycle, Stage
from indicators.models import (
    IndicatorWeighting,
    StrategicDefinition,
    StrategicObjective,
    StrategicProduct,
)
from regions.models import Region

# The cycle's fields copied as they are; year, stage and deadline are the new cycle's own.
RULE_FIELDS = (
    "history_years",
    "met_threshold",
    "partial_threshold",
    "overachievement_threshold",
    "scoring_cap",
    "weighting",
    "bonus_full_threshold",
    "bonus_partial_threshold",
    "bonus_full_rate",
    "bonus_partial_rate",
    "pmg_share",
)


@dataclass(frozen=True)
class RuleValue:
    name: str
    label: str
    value: object


@dataclass(frozen=True)
class WeightingPlan:
    """An indicator's weighting in the source cycle; carried only while the indicator is vigente."""

    indicator_id: int
    code: str
    name: str
    product: str
    weight: Decimal
    counts_for_incentive: bool
    notes: str
    is_active: bool
    is_illustrative: bool


@dataclass(frozen=True)
class ObjectivePlan:
    number: int
    description: str
    product_ids: tuple[int, ...]
    product_numbers: tuple[int, ...]


@dataclass(frozen=True)
class DefinitionPlan:
    mission: str
    objectives: tuple[ObjectivePlan, ...]


@dataclass(frozen=True)
class RegionPlan:
    """What one region had in the source cycle; nothing of it is carried when the region is not valid."""

    region_id: int
    iso_code: str
    name: str
    is_valid: bool
    weightings: tuple[WeightingPlan, ...]
    definition: DefinitionPlan | None

    @property
    def carried_weightings(self) -> tuple[WeightingPlan, ...]:
        return tuple(c for c in self.weightings if c.is_active) if self.is_valid else ()

    @property
    def inactive_weightings(self) -> tuple[WeightingPlan, ...]:
        return tuple(c for c in self.weightings if not c.is_active)

    @property
    def weight_total(self) -> Decimal:
        """Return the sum of the ponderaciones of the region's vigentes indicators (what would be carried)."""
        return sum((c.weight for c in self.weightings if c.is_active), Decimal(0))

    @property
    def is_carried(self) -> bool:
        return self.is_valid and bool(self.carried_weightings or self.definition)


@dataclass(frozen=True)
class RolloverPlan:
    """The cycle a rollover would create and what it would copy into it, with a fingerprint of all of it."""

    source_id: int
    source_year: int
    year: int
    stage: Stage
    rules: tuple[RuleValue, ...]
    regions: tuple[RegionPlan, ...]
    year_taken: bool
    fingerprint: str

    @property
    def year_before_source(self) -> bool:
        """Return whether the asked year is not after the source's (a rollover only goes forward)."""
        return self.year <= self.source_year

    @property
    def history_years(self) -> int:
        return next(r.value for r in self.rules if r.name == "history_years")

    @property
    def weighting_count(self) -> int:
        return sum(len(r.carried_weightings) for r in self.regions)

    @property
    def carried_regions(self) -> tuple[RegionPlan, ...]:
        return tuple(r for r in self.regions if r.is_carried)


@dataclass(frozen=True)
class RolloverResult:
    cycle: EvaluationCycle
    weightings: int
    definitions: int
    objectives: int


def region_valid_in(region: Region, year: int) -> bool:
    """Return whether the region takes part in that year's cycle (a GORE created mid-year has no budget yet)."""
    return region.exists_in(year)


def _canonical(value: object) -> str:
    # 120 and 120.00 are the same weight or threshold, whether read from the database or just assigned.
    return format(value.normalize(), "f") if isinstance(value, Decimal) else str(value)


def _fingerprint(data: object) -> str:
    text = json.dumps(data, sort_keys=True, default=_canonical, ensure_ascii=False)
    return hashlib.sha256(text.encode()).hexdigest()


def cycle_rollover_plan(*, source: EvaluationCycle, year: int) -> RolloverPlan:
    """Return what creating the cycle `year` from `source` would create; reads only (five queries).

    Lists every region with weightings or a strategic definition in the source, in geographic order.
    Inactive indicators and regions not valid in the new year are listed but not carried; `year_taken`
    says the new cycle cannot be created at all.
    """
    weightings = IndicatorWeighting.objects.filter(cycle=source).select_related(
        "indicator__region", "indicator__product"
    )
    definitions = (
        StrategicDefinition.objects.filter(cycle=source)
        .select_related("region")
        .prefetch_related("objectives__products")
    )
    by_region: dict[int, dict] = {}

    def entry(region: Region) -> dict:
        return by_region.setdefault(region.pk, {"region": region, "weightings": [], "definition": None})

    for weighting in weightings:
        indicator = weighting.indicator
        entry(indicator.region)["weightings"].append(
            WeightingPlan(
                indicator_id=indicator.pk,
                code=indicator.code,
                name=indicator.name,
                product=str(indicator.product),
                weight=weighting.weight,
                counts_for_incentive=weighting.counts_for_incentive,
                notes=weighting.notes,
                is_active=indicator.is_active,
                is_illustrative=indicator.is_illustrative,
            )
        )
    for definition in definitions:
        objectives = []
        for objective in sorted(definition.objectives.all(), key=lambda o: o.number):
            products = sorted(objective.products.all(), key=lambda p: p.number)
            objectives.append(
                ObjectivePlan(
                    number=objective.number,
                    description=objective.description,
                    product_ids=tuple(p.pk for p in products),
                    product_numbers=tuple(p.number for p in products),
                )
            )
        entry(definition.region)["definition"] = DefinitionPlan(
            mission=definition.mission, objectives=tuple(objectives)
        )

    regions = tuple(
        RegionPlan(
            region_id=e["region"].pk,
            iso_code=e["region"].iso_code,
            name=e["region"].name,
            is_valid=region_valid_in(e["region"], year),
            weightings=tuple(sorted(e["weightings"], key=lambda c: (c.product, c.code))),
            definition=e["definition"],
        )
        for e in sorted(by_region.values(), key=lambda e: (e["region"].order, e["region"].pk))
    )
    rules = tuple(
        RuleValue(name, str(EvaluationCycle._meta.get_field(name).verbose_name), getattr(source, name))
        for name in RULE_FIELDS
    )
    year_taken = EvaluationCycle.objects.filter(year=year).exists()
    fingerprint = _fingerprint(
        {
            "source": [source.pk, source.year],
            "year": year,
            "rules": [[r.name, r.value] for r in rules],
            "regions": [
                [
                    r.region_id,
                    r.is_valid,
                    [
                        [
                            c.indicator_id,
                            c.code,
                            c.name,
                            c.product,
                            c.weight,
                            c.counts_for_incentive,
                            c.notes,
                            c.is_active,
                        ]
                        for c in r.weightings
                    ],
                    None
                    if r.definition is None
                    else [
                        r.definition.mission,
                        [[o.number, o.description, o.product_ids] for o in r.definition.objectives],
                    ],
                ]
                for r in regions
            ],
        }
    )
    return RolloverPlan(
        source_id=source.pk,
        source_year=source.year,
        year=year,
        stage=Stage.FORMULATION,
        rules=rules,
        regions=regions,
        year_taken=year_taken,
        fingerprint=fingerprint,
    )


def _check_selection(
    plan: RolloverPlan, regions: Collection[str] | None, indicators: Collection[int] | None
) -> tuple[set[str], set[int]]:
    carriable_regions = {r.iso_code for r in plan.carried_regions}
    carriable_indicators = {c.indicator_id for r in plan.carried_regions for c in r.carried_weightings}
    chosen_regions = carriable_regions if regions is None else set(regions)
    chosen_indicators = carriable_indicators if indicators is None else set(indicators)
    if chosen_regions - carriable_regions or chosen_indicators - carriable_indicators:
        raise ValidationError(_("La selección incluye regiones o indicadores que no se pueden traspasar."))
    return chosen_regions, chosen_indicators


@transaction.atomic
def cycle_rollover_apply(
    *,
    user: AbstractBaseUser,
    source: EvaluationCycle,
    year: int,
    fingerprint: str,
    regions: Collection[str] | None = None,
    indicators: Collection[int] | None = None,
) -> RolloverResult:
    """Create the cycle `year` from `source` as its plan showed, all or nothing; return what was created.

    `fingerprint` is the plan's as the admin reviewed it: if anything in it changed since, nothing is
    created. `regions` (ISO codes) and `indicators` (ids) choose what is carried, None meaning all that
    can be; an indicator is carried only with its region. Only admins roll cycles over; the year must be
    after the source's and free.
    """
    if not (user.is_active and user.is_superuser):
        raise PermissionDenied(_("Solo un administrador crea ciclos a partir de otro."))
    source = EvaluationCycle.objects.select_for_update().get(pk=source.pk)
    if year <= source.year:
        raise ValidationError(
            {"year": _("El ciclo nuevo debe ser posterior al ciclo %(year)s.") % {"year": source.year}}
        )
    if EvaluationCycle.objects.filter(year=year).exists():
        raise ValidationError({"year": _("El ciclo %(year)s ya existe.") % {"year": year}})
    plan = cycle_rollover_plan(source=source, year=year)
    if plan.fingerprint != fingerprint:
        raise ValidationError(
            _("El ciclo %(year)s cambió después de mostrar el traspaso; revíselo de nuevo.") % {"year": source.year}
        )
    chosen_regions, chosen_indicators = _check_selection(plan, regions, indicators)
    reason = _("traspaso desde el ciclo %(year)s") % {"year": source.year}

    cycle = EvaluationCycle(year=year, stage=plan.stage, **{r.name: r.value for r in plan.rules})
    cycle.full_clean()
    _save(cycle, user=user, reason=reason)

    weightings = definitions = objectives = 0
    for region in plan.carried_regions:
        if region.iso_code not in chosen_regions:
            continue
        for item in region.carried_weightings:
            if item.indicator_id in chosen_indicators:
                weighting = IndicatorWeighting(
                    indicator_id=item.indicator_id,
                    cycle=cycle,
                    weight=item.weight,
                    counts_for_incentive=item.counts_for_incentive,
                    notes=item.notes,
                )
                weighting.full_clean()
                _save(weighting, user=user, reason=reason)
                weightings += 1
        if region.definition is not None:
            objectives += _copy_definition(region, cycle=cycle, user=user, reason=reason)
            definitions += 1
    return RolloverResult(cycle=cycle, weightings=weightings, definitions=definitions, objectives=objectives)


def _save(instance, *, user: AbstractBaseUser, reason: str) -> None:
    instance._history_user = user
    instance._change_reason = reason
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError as error:  # a concurrent rollover created the same rows meanwhile
        raise ValidationError(_("Otra persona creó el ciclo al mismo tiempo; revise los ciclos.")) from error


def _copy_definition(region: RegionPlan, *, cycle: EvaluationCycle, user: AbstractBaseUser, reason: str) -> int:
    """Copy the region's mission and objectives into the cycle, linking them to the same products; return
    how many objectives were copied."""
    definition = StrategicDefinition(region_id=region.region_id, cycle=cycle, mission=region.definition.mission)
    definition.full_clean()
    _save(definition, user=user, reason=reason)
    links: dict[int, list[StrategicObjective]] = {}
    for item in region.definition.objectives:
        objective = StrategicObjective(definition=definition, number=item.number, description=item.description)
        objective.full_clean()
        _save(objective, user=user, reason=reason)
        for product_id in item.product_ids:
            links.setdefault(product_id, []).append(objective)
    for product in StrategicProduct.objects.filter(pk__in=links, region_id=region.region_id).order_by("pk"):
        product._history_user = user
        product._change_reason = reason
        product.objectives.add(*links[product.pk])
    return len(region.definition.objectives)
