"""A region's definiciones estratégicas in a cycle as its page shows them: the misión, each objetivo estratégico
with the products that serve it, the priority axes it serves and its medium-term targets checked against the
cycle's metas; what can be chosen in the forms; and the history of changes."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _

from evaluation.models import EvaluationCycle
from indicators.models import (
    Indicator,
    MediumTermTarget,
    PriorityAxis,
    StrategicDefinition,
    StrategicObjective,
    StrategicProduct,
)
from indicators.selectors.detail import MediumTermCheck, medium_term_checks
from indicators.selectors.history import Change, recorded_changes
from indicators.selectors.rows import cycle_entry_columns, cycle_indicators, cycle_products, indicator_rows
from regions.models import Region


@dataclass
class ObjectiveBlock:
    objective: StrategicObjective
    products: list[StrategicProduct]  # those of the cycle's products that serve it
    axes: list[PriorityAxis]
    targets: list[MediumTermCheck] = field(default_factory=list)

    @property
    def product_ids(self) -> set[int]:
        return {product.pk for product in self.products}

    @property
    def axis_ids(self) -> set[int]:
        return {axis.pk for axis in self.axes}


@dataclass
class DefinitionsPage:
    region: Region
    cycle: EvaluationCycle
    definition: StrategicDefinition | None
    objectives: list[ObjectiveBlock]
    products: list[StrategicProduct]  # the region's products the cycle lists
    indicators: list[Indicator]  # committed in the cycle: what a medium-term target may measure
    axes: list[PriorityAxis]  # the catalogue's axes in force, and any an objective still serves

    @property
    def products_without_objective(self) -> list[StrategicProduct]:
        """Return the cycle's products with indicators that serve no objective (a gap of the formulation); the
        «Institucional» group measures the institution, not a product, and is not asked to."""
        serving = {pk for block in self.objectives for pk in block.product_ids}
        with_indicators = {indicator.product_id for indicator in self.indicators}
        return [p for p in self.products if p.pk in with_indicators and p.pk not in serving and not p.is_institutional]

    @property
    def inconsistent_targets(self) -> list[MediumTermCheck]:
        return [check for block in self.objectives for check in block.targets if check.consistent is False]

    @property
    def is_illustrative(self) -> bool:
        return self.cycle.is_illustrative or bool(self.definition and self.definition.is_illustrative)


def definitions_page(*, region: Region, cycle: EvaluationCycle) -> DefinitionsPage:
    """Return the region's definitions in the cycle for its page. A constant number of queries (ten) whatever
    the number of objectives, products, targets or indicators."""
    products = list(cycle_products(region=region, cycle=cycle))
    product_ids = {product.pk for product in products}
    definition = StrategicDefinition.objects.filter(region=region, cycle=cycle).first()
    objectives = []
    if definition is not None:
        objectives = list(
            StrategicObjective.objects.filter(definition=definition)
            .order_by("number")
            .prefetch_related(
                Prefetch("products", queryset=StrategicProduct.objects.order_by("number")),
                "axes",
                Prefetch(
                    "medium_term_targets",
                    queryset=MediumTermTarget.objects.select_related("indicator").order_by("indicator__code", "year"),
                ),
            )
        )
    indicators = list(cycle_indicators(region=region, cycle=cycle))
    targets = [target for objective in objectives for target in objective.medium_term_targets.all()]
    measured = {target.indicator_id for target in targets}
    rows = {}
    if measured:
        queryset = cycle_indicators(region=region, cycle=cycle).filter(pk__in=measured)
        rows = {
            row.indicator.pk: row
            for row in indicator_rows(cycle=cycle, indicators=queryset, columns=cycle_entry_columns(cycle))
        }
    blocks = []
    for objective in objectives:
        own = list(objective.medium_term_targets.all())
        checks = []
        for target in own:
            row = rows.get(target.indicator_id)
            if row is None:  # its indicator is no longer committed in the cycle: nothing to check it against
                checks.append(MediumTermCheck(target, None, None, None))
            else:
                checks.extend(medium_term_checks(row=row, cycle=cycle, targets=[target]))
        blocks.append(
            ObjectiveBlock(
                objective,
                [product for product in objective.products.all() if product.pk in product_ids],
                list(objective.axes.all()),
                checks,
            )
        )
    served = {axis.pk for block in blocks for axis in block.axes}
    axes = [axis for axis in PriorityAxis.objects.order_by("order", "code") if axis.is_active or axis.pk in served]
    return DefinitionsPage(region, cycle, definition, blocks, products, indicators, axes)


def definitions_changes(*, definition: StrategicDefinition | None) -> list[Change]:
    """Return the recorded changes to the definition's misión, its objectives and their medium-term targets,
    newest first (four queries)."""
    if definition is None:
        return []
    objective_ids = StrategicObjective.history.filter(definition_id=definition.pk).values("id")
    codes = dict(Indicator.objects.filter(region_id=definition.region_id).values_list("pk", "code"))
    sources = [
        (StrategicDefinition, StrategicDefinition.history.filter(id=definition.pk)),
        (StrategicObjective, StrategicObjective.history.filter(definition_id=definition.pk)),
        (MediumTermTarget, MediumTermTarget.history.filter(objective_id__in=objective_ids)),
    ]
    fields = {
        StrategicDefinition: ["mission"],
        StrategicObjective: ["number", "description"],
        MediumTermTarget: ["indicator_id", "year", "value", "notes"],
    }
    return recorded_changes(
        sources,
        fields=fields,
        subject=_subject,
        shown={"indicator_id": lambda pk: codes.get(pk, "—")},
    )


def _subject(model, record) -> str:
    if model is StrategicObjective:
        return f"{model._meta.verbose_name.capitalize()} {record.number}"
    if model is MediumTermTarget:
        return f"{model._meta.verbose_name.capitalize()} {record.year}"
    return str(model._meta.verbose_name).capitalize()


def objective_get(*, region: Region, cycle: EvaluationCycle, pk: int) -> StrategicObjective:
    """Return the objective of the region's definitions in the cycle; raises Http404 for any other id (another
    region's or cycle's included)."""
    objective = (
        StrategicObjective.objects.filter(pk=pk, definition__region=region, definition__cycle=cycle)
        .select_related("definition__region", "definition__cycle")
        .first()
    )
    if objective is None:
        raise Http404(_("Ese objetivo estratégico no es de %(region)s en el ciclo %(year)s.") % _where(region, cycle))
    return objective


def target_get(*, region: Region, cycle: EvaluationCycle, pk: int) -> MediumTermTarget:
    """Return the medium-term target of an objective of the region's definitions in the cycle; raises Http404
    for any other id."""
    target = (
        MediumTermTarget.objects.filter(pk=pk, objective__definition__region=region, objective__definition__cycle=cycle)
        .select_related("objective__definition__region", "objective__definition__cycle", "indicator")
        .first()
    )
    if target is None:
        raise Http404(_("Esa meta de mediano plazo no es de %(region)s en el ciclo %(year)s.") % _where(region, cycle))
    return target


def _where(region: Region, cycle: EvaluationCycle) -> dict:
    return {"region": region.name, "year": cycle.year}
