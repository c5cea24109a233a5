"""A cycle as one machine-readable document, in two formats: pbr's own JSON (its JSON Schema is
docs/schemas/pbr-cycle-v1.schema.json, served at /api/v1/cycles/export.schema.json) and an IATI results file
(IATI Standard 2.03, valid against its XML Schema: one activity per regional government, one <result> per
indicator, its target and actual for the cycle's year and its earliest efectivo as baseline).

Both hold what the caller reads (api.selectors): the regions they see whole, and the published ones of the rest,
without what the public never reads. A constant number of queries, whatever the number of regions."""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from xml.etree import ElementTree as ET

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone

from api.selectors import Readable
from core.numbers import round_half_up
from evaluation.models import EvaluationCycle
from evaluation.vocabulary import Stage
from indicators.models import IndicatorWeighting, Measurement, ResultAnalysis, StrategicDefinition, StrategicObjective
from indicators.selectors import cycle_entry_columns
from indicators.vocabulary import ControlScope, Direction, MeasurementKind, Unit
from regions.models import Region
from results.selectors.outcomes import cycle_results

FORMAT, FORMAT_VERSION = "pbr-cycle", "1"
SCHEMA_PATH = Path(settings.BASE_DIR, "docs", "schemas", "pbr-cycle-v1.schema.json")
IATI_VERSION = "2.03"
# Codes from IATI's 2.03 code lists (copies in tests/data/iati/codelists/, which the suite checks them against).
IATI_LOCAL_GOVERNMENT = "11"  # OrganisationType: a sub-national government, as a GORE is
IATI_GOVERNMENT_ROLES = ("2", "4")  # OrganisationRole: the GORE answers for the results (2) and carries them out (4)
IATI_DESCRIPTION_GENERAL, IATI_DESCRIPTION_OBJECTIVES = "1", "2"  # DescriptionType
IATI_PLANNED_START, IATI_PLANNED_END = "1", "3"  # ActivityDateType
IATI_MEASURE_UNIT, IATI_MEASURE_PERCENTAGE = "1", "2"  # IndicatorMeasure
# ActivityStatus by the cycle's stage: the year's budget is prepared (1 pipeline), run (2 implementation),
# evaluated (3 finalisation: done, its monitoring still open) and then closed (4).
IATI_ACTIVITY_STATUS = {
    Stage.FORMULATION: "1",
    Stage.APPROVAL: "1",
    Stage.EXECUTION: "2",
    Stage.EVALUATION: "3",
    Stage.CLOSED: "4",
}
# ResultType by the indicator's ámbito de control: producto → output (1), resultado intermedio → outcome (2),
# resultado final → impact (3); a process indicator is none of them (9, other).
IATI_RESULT_TYPE = {
    ControlScope.PRODUCT: "1",
    ControlScope.INTERMEDIATE_RESULT: "2",
    ControlScope.FINAL_RESULT: "3",
    ControlScope.PROCESS: "9",
}
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _text(value: Decimal | None) -> str | None:
    """Return an exact decimal as text, without trailing zeros (95, 7.6)."""
    return None if value is None else format(value.normalize(), "f")


def _shown(value, places: int) -> str | None:
    return None if value is None else format(round_half_up(value, places), "f")


@dataclass
class _Regions:
    regions: list[Region]
    internal: set[int]


def _regions(readable: Readable, cycle: EvaluationCycle) -> _Regions:
    published = {region_id for region_id, cycle_id in readable.published if cycle_id == cycle.pk}
    ids = set(readable.region_ids) | published
    regions = [r for r in Region.objects.filter(pk__in=ids).order_by("order") if r.exists_in(cycle.year)]
    return _Regions(regions, set(readable.region_ids))


def build(*, readable: Readable, cycle: EvaluationCycle) -> dict:
    """Return the cycle's document (pbr-cycle v1) for that reader."""
    shown = _regions(readable, cycle)
    region_ids = [region.pk for region in shown.regions]
    weightings = list(
        IndicatorWeighting.objects.filter(cycle=cycle, indicator__region_id__in=region_ids)
        .select_related("indicator__product")
        .prefetch_related("indicator__axes")
        .order_by("indicator__product__number", "indicator__code")
    )
    columns = {(column.year, column.kind) for column in cycle_entry_columns(cycle)}
    indicators = {weighting.indicator_id: weighting.indicator for weighting in weightings}
    figures = defaultdict(list)
    for measurement in Measurement.objects.filter(
        indicator_id__in=list(indicators), year__gte=cycle.first_year, year__lte=cycle.year
    ).order_by("year", "kind"):
        if (measurement.year, measurement.kind) in columns:
            measurement.indicator = indicators[measurement.indicator_id]  # known: no query per figure
            figures[measurement.indicator_id].append(measurement)
    analyses = {
        analysis.indicator_id: analysis
        for analysis in ResultAnalysis.objects.filter(
            cycle=cycle, indicator_id__in=[w.indicator_id for w in weightings]
        )
    }
    objectives = StrategicObjective.objects.prefetch_related("axes").order_by("number")
    definitions = {
        definition.region_id: definition
        for definition in StrategicDefinition.objects.filter(cycle=cycle, region_id__in=region_ids).prefetch_related(
            Prefetch("objectives", queryset=objectives)
        )
    }
    by_region = defaultdict(list)
    for weighting in weightings:
        by_region[weighting.indicator.region_id].append(weighting)
    regions = [region for region in shown.regions if by_region[region.pk]]  # those that commit indicators
    results = {r.region_code: r for r in cycle_results(cycle=cycle, regions=regions)} if regions else {}
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "generated_at": timezone.now().isoformat(timespec="seconds"),
        "cycle": {
            "year": cycle.year,
            "stage": cycle.stage,
            "first_year": cycle.first_year,
            "is_illustrative": cycle.is_illustrative,
            "rules": {
                "met_threshold": _text(cycle.met_threshold),
                "partial_threshold": _text(cycle.partial_threshold),
                "overachievement_threshold": _text(cycle.overachievement_threshold),
                "weighting": cycle.weighting,
                "bonus_full_threshold": _text(cycle.bonus_full_threshold),
                "bonus_partial_threshold": _text(cycle.bonus_partial_threshold),
                "bonus_full_rate": _text(cycle.bonus_full_rate),
                "bonus_partial_rate": _text(cycle.bonus_partial_rate),
            },
        },
        "regions": [
            _region(region, region.pk in shown.internal, by_region[region.pk], figures, analyses, definitions, results)
            for region in regions
        ],
    }


def _region(region, internal, weightings, figures, analyses, definitions, results) -> dict:
    result = results.get(region.iso_code)
    items = {item.code: item for item in result.indicators} if result else {}
    definition = definitions.get(region.pk)
    return {
        "code": region.iso_code,
        "name": region.name,
        "government": region.government_name,
        "submission_status": result.submission_status if result else None,
        "mission": definition.mission if definition and definition.mission else None,
        "objectives": [
            {"number": o.number, "description": o.description, "axes": [axis.code for axis in o.axes.all()]}
            for o in (definition.objectives.all() if definition else [])
        ],
        "result": None
        if result is None
        else {
            "compliance": _text(result.compliance),
            "incentive_compliance": _text(result.incentive_compliance),
            "bonus_rate": _text(result.bonus_rate),
            "committed": _text(result.committed),
            "earned": _text(result.earned),
            "pending": result.pending,
        },
        "indicators": [
            _indicator(
                weighting, figures[weighting.indicator_id], analyses.get(weighting.indicator_id), items, internal
            )
            for weighting in weightings
        ],
    }


def _indicator(weighting, measurements, analysis, items, internal) -> dict:
    indicator = weighting.indicator
    item = items.get(indicator.code)
    if analysis is not None and not internal and analysis.external_causes and not analysis.external_accepted:
        analysis = None  # causes DIPRES has not accepted are not published
    return {
        "code": indicator.code,
        "name": indicator.name,
        "product": {"number": indicator.product.number, "name": indicator.product.name},
        "formula": indicator.formula,
        "numerator_description": indicator.numerator_description,
        "denominator_description": indicator.denominator_description or None,
        "unit": indicator.unit,
        "factor": _text(indicator.factor),
        "decimals": indicator.decimals,
        "dimension": indicator.dimension,
        "control_scope": indicator.control_scope,
        "direction": indicator.direction,
        "axes": [axis.code for axis in indicator.axes.all()],
        "is_illustrative": indicator.is_illustrative,
        "weight": _text(weighting.weight),
        "counts_for_incentive": weighting.counts_for_incentive,
        "figures": [
            {
                "year": m.year,
                "kind": m.kind,
                "numerator": _text(m.numerator),
                "denominator": _text(m.denominator),
                "value": _shown(m.exact_value, indicator.decimals),
            }
            for m in measurements
        ],
        "result": None
        if item is None
        else {
            "actual": _shown(item.actual, item.decimals),
            "target": _shown(item.target, item.decimals),
            "percent": _text(item.percent),
            "classification": item.classification,
        },
        "analysis": None
        if analysis is None
        else {
            "causes": analysis.causes or None,
            "external_causes": analysis.external_causes,
            "external_accepted": analysis.external_accepted,
        },
    }


def iati(document: dict) -> bytes:
    """Return the document as an IATI 2.03 activities file (results only): one activity per regional government,
    valid against IATI's XML Schema, each code from IATI's code lists (tests/data/iati/).

    Raises ValueError for a document without regions: IATI's schema asks for at least one activity."""
    if not document["regions"]:
        raise ValueError("an IATI file holds at least one activity")
    root = ET.Element("iati-activities", {"version": IATI_VERSION, "generated-datetime": document["generated_at"]})
    year = document["cycle"]["year"]
    status = IATI_ACTIVITY_STATUS[Stage(document["cycle"]["stage"])]
    for region in document["regions"]:
        activity = ET.SubElement(root, "iati-activity", {"default-currency": "CLP", XML_LANG: "es"})
        ET.SubElement(activity, "iati-identifier").text = f"CL-PBR-{region['code']}-{year}"
        organisation = {"ref": f"CL-PBR-{region['code']}", "type": IATI_LOCAL_GOVERNMENT}
        _narrative(ET.SubElement(activity, "reporting-org", organisation), region["government"])
        _narrative(ET.SubElement(activity, "title"), f"Presupuesto por Resultados {year} · {region['government']}")
        _narrative(
            ET.SubElement(activity, "description", {"type": IATI_DESCRIPTION_GENERAL}),
            f"Indicadores de desempeño que el {region['government']} compromete en el Presupuesto por Resultados "
            f"{year}: de cada uno, su línea base (su primer efectivo), su meta y su efectivo del año.",
        )
        if region["mission"]:
            _narrative(ET.SubElement(activity, "description", {"type": IATI_DESCRIPTION_OBJECTIVES}), region["mission"])
        for role in IATI_GOVERNMENT_ROLES:
            _narrative(
                ET.SubElement(activity, "participating-org", {**organisation, "role": role}), region["government"]
            )
        ET.SubElement(activity, "activity-status", {"code": status})
        ET.SubElement(activity, "activity-date", {"type": IATI_PLANNED_START, "iso-date": f"{year}-01-01"})
        ET.SubElement(activity, "activity-date", {"type": IATI_PLANNED_END, "iso-date": f"{year}-12-31"})
        for item in region["indicators"]:
            _result(activity, item, year)
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8")


def _narrative(parent: ET.Element, text: str) -> None:
    ET.SubElement(parent, "narrative").text = text


def _result(activity: ET.Element, item: dict, year: int) -> None:
    """Add the indicator's <result>: its baseline (the earliest efectivo), and its target and actual of the year."""
    result = ET.SubElement(
        activity, "result", {"type": IATI_RESULT_TYPE[ControlScope(item["control_scope"])], "aggregation-status": "0"}
    )
    _narrative(ET.SubElement(result, "title"), item["name"])
    indicator = ET.SubElement(
        result,
        "indicator",
        {
            "measure": IATI_MEASURE_PERCENTAGE if item["unit"] == Unit.PERCENT else IATI_MEASURE_UNIT,
            "ascending": "1" if item["direction"] == Direction.ASCENDING else "0",
        },
    )
    _narrative(ET.SubElement(indicator, "title"), f"{item['code']} · {item['name']}")
    _narrative(ET.SubElement(indicator, "description"), item["formula"])
    actuals = [f for f in item["figures"] if f["kind"] == MeasurementKind.ACTUAL and f["value"] is not None]
    if actuals:
        ET.SubElement(indicator, "baseline", {"year": str(actuals[0]["year"]), "value": actuals[0]["value"]})
    period = ET.SubElement(indicator, "period")
    ET.SubElement(period, "period-start", {"iso-date": f"{year}-01-01"})
    ET.SubElement(period, "period-end", {"iso-date": f"{year}-12-31"})
    outcome = item["result"] or {}
    if outcome.get("target") is not None:
        ET.SubElement(period, "target", {"value": outcome["target"]})
    if outcome.get("actual") is not None:
        ET.SubElement(period, "actual", {"value": outcome["actual"]})
