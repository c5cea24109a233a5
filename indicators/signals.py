"""Raising the data versions when indicators' data change: which regions and cycles a saved or deleted row
touches, and whether the change can alter a result (figures, weights, analysis) or only what pages show
(definitions, objectives and their medium-term targets, evidence, compromisos de mejora). Connected in
IndicatorsConfig.ready()."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models.signals import m2m_changed, post_delete, post_save

from evaluation.models import EvaluationCycle, Stage
from evaluation.versions import raise_versions
from indicators.models import (
    Client,
    ComputedFigure,
    Evidence,
    ImprovementCommitment,
    Indicator,
    IndicatorWeighting,
    Measurement,
    MediumTermTarget,
    Observation,
    ProductBudget,
    ResultAnalysis,
    StrategicDefinition,
    StrategicObjective,
    StrategicProduct,
)


def open_cycles_of(indicator_ids: Iterable[int]) -> set[int]:
    """Return the open cycles that commit any of those indicators."""
    return set(
        IndicatorWeighting.objects.filter(indicator_id__in=list(indicator_ids))
        .exclude(cycle__stage=Stage.CLOSED)
        .values_list("cycle_id", flat=True)
    )


def figures_changed(*, indicator_ids: Iterable[int]) -> None:
    """Raise the versions a bulk write of those indicators' figures touches (bulk writes send no model
    signals); call inside the writing transaction."""
    indicator_ids = set(indicator_ids)
    cycles = open_cycles_of(indicator_ids)
    if cycles:
        regions = Indicator.objects.filter(pk__in=indicator_ids).values_list("region_id", flat=True).distinct()
        raise_versions(region_ids=set(regions), cycle_ids=cycles, instruments=False)


def _indicator_scope(indicator: Indicator, cycle_id: int | None = None) -> tuple[set[int], set[int]]:
    return {indicator.region_id}, {cycle_id} if cycle_id else open_cycles_of([indicator.pk])


def _every_cycle() -> set[int]:
    return set(EvaluationCycle.objects.values_list("pk", flat=True))


# Each watched model: (its scope, whether the change can alter a result).
def _scope(instance) -> tuple[set[int] | None, set[int] | None]:
    if isinstance(instance, Indicator):
        return _indicator_scope(instance)
    if isinstance(instance, IndicatorWeighting) and instance.cycle.is_illustrative:
        # Which products every other cycle lists leaves out those of an illustrative cycle's indicators.
        return {instance.indicator.region_id}, _every_cycle()
    if isinstance(instance, IndicatorWeighting | ResultAnalysis | ImprovementCommitment):
        return _indicator_scope(instance.indicator, instance.cycle_id)
    if isinstance(instance, Measurement | Evidence | ComputedFigure):
        return _indicator_scope(instance.indicator)
    if isinstance(instance, StrategicDefinition):
        return {instance.region_id}, {instance.cycle_id}
    if isinstance(instance, StrategicObjective):
        return {instance.definition.region_id}, {instance.definition.cycle_id}
    if isinstance(instance, Observation):
        return {instance.indicator.region_id}, {instance.cycle_id}
    if isinstance(instance, MediumTermTarget):
        definition = instance.objective.definition
        return {definition.region_id}, {definition.cycle_id}
    if isinstance(instance, StrategicProduct):
        return {instance.region_id}, _every_cycle()  # its name is stored with the results, closed cycles' too
    if isinstance(instance, Client):
        return {instance.region_id}, None
    if isinstance(instance, ProductBudget):
        cycles = EvaluationCycle.objects.filter(year=instance.year).values_list("pk", flat=True)
        return {instance.product.region_id}, set(cycles)
    raise TypeError(type(instance))


# A product's name and money are stored with the region's result (the dashboard's table of products).
RESULT_INPUTS = (Indicator, IndicatorWeighting, Measurement, ResultAnalysis, StrategicProduct, ProductBudget)
SHOWN_ONLY = (
    StrategicDefinition,
    StrategicObjective,
    MediumTermTarget,
    Observation,
    Client,
    Evidence,
    ImprovementCommitment,
    ComputedFigure,
)
# What no section on the instruments beside the indicators shows (evaluations, PROPIR, PMG: they name products,
# never an indicator's figures): a change here leaves those sections' version, and their cache, alone.
INDICATORS_ONLY = (
    IndicatorWeighting,
    Measurement,
    ResultAnalysis,
    ProductBudget,
    Evidence,
    ImprovementCommitment,
    Observation,
)


def _changed(sender, instance, raw: bool = False, **_kwargs) -> None:
    if raw:
        return  # loaddata: load_document raises every version once at its end
    try:
        region_ids, cycle_ids = _scope(instance)
    except (
        Indicator.DoesNotExist,
        StrategicDefinition.DoesNotExist,
        StrategicObjective.DoesNotExist,
        StrategicProduct.DoesNotExist,
    ):
        return  # deleted with its parent, whose own signal raises the versions
    if cycle_ids is not None and not cycle_ids:
        return  # committed in no open cycle: no page of an open cycle shows it
    raise_versions(
        region_ids=region_ids,
        cycle_ids=cycle_ids,
        recompute=sender in RESULT_INPUTS,
        instruments=sender not in INDICATORS_ONLY,
    )


def _links_changed(sender, instance, action: str, **_kwargs) -> None:
    if action.startswith("post_"):
        _changed(sender=type(instance), instance=instance)


def connect() -> None:
    """Connect the receivers (once, when the apps are ready)."""
    for model in RESULT_INPUTS + SHOWN_ONLY:
        for signal, name in ((post_save, "save"), (post_delete, "delete")):
            signal.connect(_changed, sender=model, dispatch_uid=f"pbr.versions.{model.__name__}.{name}")
    for through in (StrategicProduct.objectives.through, StrategicProduct.clients.through):
        m2m_changed.connect(_links_changed, sender=through, dispatch_uid=f"pbr.versions.{through.__name__}")
