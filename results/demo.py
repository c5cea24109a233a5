"""Loading and removing the illustrative (demonstration) cycle whose data are in results/demo_data.py.

Loading writes as people do: the analysts enter the figures, analyses, commitments and evidence and send
them, the DIPRES reviewer decides on external causes, returns and approves, all through the services, so
history and versions are recorded as for any write. What no service creates yet (the cycle, the products,
the indicators with their weightings, the budgets) is created here with its audit record: by the admin,
for the reason «datos ilustrativos». Both are all or nothing, in one transaction, and never touch the
document's data: the demonstration has its own cycle, products and indicators.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AbstractBaseUser
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models, transaction
from django.db.models import Count, Max, Min, ProtectedError, Q
from django.utils import translation
from django.utils.translation import gettext as _

from evaluation.models import CycleSnapshot, EvaluationCycle, Stage, StageDeadline, Submission, SubmissionStatus
from indicators import services as indicator_services
from indicators.models import (
    ComputedFigure,
    Evidence,
    ImportLog,
    ImprovementCommitment,
    Indicator,
    IndicatorWeighting,
    Measurement,
    MediumTermTarget,
    PriorityAxis,
    ProductBudget,
    ResultAnalysis,
    StrategicDefinition,
    StrategicObjective,
    StrategicProduct,
)
from investments import services as investment_services
from investments.models import InvestmentInitiative, MideplanResult, PropirImport
from pmg import services as pmg_services
from pmg.models import ExcellenceCriterion, ManagementSystem, PmgCommitment, SelfAssessment
from programs import services as program_services
from programs.models import EvaluationLine, InstitutionalCommitment, ProgramEvaluation, Verdict
from regions.models import Region
from regions.services import user_upsert
from results import demo_data
from results.services import workflow as services

# The demo logins of create_demo_users that the demonstration acts as.
ADMIN, REVIEWER = "admin", "revisor.dipres"
DEMO_PASSWORD = "pbr-demo-2012"  # noqa: S105 - the public password of the demo logins (README), DEBUG only


class DemoError(Exception):
    """The demonstration cannot be loaded here; the message says why."""


@dataclass(frozen=True)
class DemoLoad:
    cycle: EvaluationCycle
    regions: int
    indicators: int
    figures: int


@dataclass(frozen=True)
class DemoRemoval:
    cycles: list[int]
    indicators: int
    products: int
    figures: int
    users: list[str]
    kept_users: list[str]


def _reason() -> str:
    return _("datos ilustrativos")


def _create(obj: models.Model, *, user: AbstractBaseUser) -> models.Model:
    """Validate and save a new row with its audit record: who (the admin) and why («datos ilustrativos»)."""
    obj.full_clean()
    obj._history_user = user
    obj._change_reason = _reason()
    obj.save()
    return obj


def _users(specs: list[demo_data.DemoRegion], regions: dict[str, Region]) -> dict[str, AbstractBaseUser]:
    """Return the demo logins the demonstration acts as, creating analista.demo for its own regions."""
    user_model = get_user_model()
    wanted = {ADMIN, REVIEWER} | {spec.analyst for spec in specs if spec.analyst != demo_data.DEMO_ANALYST}
    users = {user.username: user for user in user_model.objects.filter(username__in=wanted, is_active=True)}
    missing = sorted(wanted - set(users))
    if missing:
        raise DemoError(
            _("Faltan los usuarios de demostración %(users)s: ejecute antes «manage.py create_demo_users».")
            % {"users": ", ".join(missing)}
        )
    own = [regions[spec.code] for spec in specs if spec.analyst == demo_data.DEMO_ANALYST]
    analyst = user_model.objects.filter(username=demo_data.DEMO_ANALYST).first()
    if analyst is None:
        analyst = user_upsert(
            username=demo_data.DEMO_ANALYST,
            password=DEMO_PASSWORD,
            first_name=_("Analista"),
            last_name=_("(ilustrativo)"),
            email=demo_data.DEMO_ANALYST_EMAIL,
            analyst_of=own,
        )
    else:  # kept by remove_demo, or made by someone: used as it is, never reset (its password may be another)
        assigned = set(analyst.analyst_assignments.values_list("region_id", flat=True)) if analyst.is_active else set()
        lacking = [region.iso_code for region in own if region.pk not in assigned]
        if lacking:
            raise DemoError(
                _(
                    "El usuario %(user)s ya existe y no es analista activo de %(regions)s: asígnele esas regiones o "
                    "bórrelo antes de cargar la demostración."
                )
                % {"user": demo_data.DEMO_ANALYST, "regions": ", ".join(lacking)}
            )
    users[demo_data.DEMO_ANALYST] = analyst
    return users


def _pdf(lines: list[str]) -> bytes:
    """Return a one-page PDF showing the lines (ASCII), as an illustrative medio de verificación."""
    safe = [line.translate(str.maketrans("", "", "\\()")) for line in lines]  # no PDF string escapes needed
    text = " ".join(f"({line}) Tj 0 -18 Td" for line in safe)
    stream = f"BT /F1 12 Tf 72 760 Td {text} ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _cell(indicator: Indicator, year: int, kind: str, pair: demo_data.Pair) -> indicator_services.CellInput:
    numerator, denominator = pair
    return indicator_services.CellInput(
        indicator=indicator,
        year=year,
        kind=kind,
        numerator=Decimal(numerator),
        denominator=None if denominator is None else Decimal(denominator),
        version=0,
    )


def _definitions(
    *, spec: demo_data.DemoRegion, region: Region, cycle: EvaluationCycle, admin: AbstractBaseUser
) -> list[tuple[demo_data.Figures, Indicator]]:
    """Create the region's demonstration products (numbered after its own), indicators, weightings and
    budgets; return each indicator with its figures."""
    first = (StrategicProduct.objects.filter(region=region).aggregate(last=Max("number"))["last"] or 0) + 1
    used = sorted({demo_data.KINDS[figures.kind].product for figures in spec.indicators})
    products = {}
    for offset, key in enumerate(used):
        name, description = demo_data.PRODUCTS[key]
        product = StrategicProduct(
            region=region,
            number=first + offset,
            name=name,
            description=description,
            output_unit=demo_data.PRODUCT_UNITS.get(key, ""),
        )
        products[key] = _create(product, user=admin)
    indicators = []
    for position, figures in enumerate(spec.indicators, start=1):
        kind = demo_data.KINDS[figures.kind]
        indicator = Indicator(
            region=region,
            product=products[kind.product],
            code=f"{demo_data.CODE_PREFIX}{position:02d}",
            name=kind.name,
            formula=kind.formula,
            numerator_description=kind.numerator,
            denominator_description=kind.denominator,
            unit=kind.unit,
            factor=Decimal(kind.factor),
            decimals=kind.decimals,
            dimension=kind.dimension,
            control_scope=kind.control_scope,
            direction=kind.direction,
            is_share=kind.is_share,
            verification_means=kind.verification,
            notes=_("Indicador ilustrativo de la demostración («manage.py load_demo»): no proviene de DIPRES."),
            is_illustrative=True,
        )
        _create(indicator, user=admin)
        weighting = IndicatorWeighting(
            indicator=indicator,
            cycle=cycle,
            weight=Decimal(figures.weight),
            notes=_("Ponderación ilustrativa."),
        )
        _create(weighting, user=admin)
        indicators.append((figures, indicator))
    fndr_figures = next(f for f in spec.indicators if f.kind == "A")
    actual = fndr_figures.actuals[-1]
    allocated = actual[1] if actual else fndr_figures.target[1]
    budgets = {1: (allocated, actual[0] if actual else None)}
    if spec.supervision_budget:
        budgets[2] = spec.supervision_budget
    rows = []
    variation = Decimal(1) + Decimal(region.order % 5) / 10  # illustrative: costs differ between regions
    for key, (allocated, executed) in budgets.items():
        if key in products:
            output = None
            if executed is not None and key in demo_data.UNIT_COSTS:
                output = max(1, round(Decimal(executed) / (demo_data.UNIT_COSTS[key] * variation)))
            rows.append(
                indicator_services.BudgetInput(
                    product=products[key],
                    allocated=Decimal(allocated),
                    executed=None if executed is None else Decimal(executed),
                    output=None if output is None else Decimal(output),
                    version=0,
                )
            )
    indicator_services.product_budgets_save(user=admin, region=region, cycle=cycle, rows=rows, reason=_reason())
    return indicators


def _enter(
    *,
    spec: demo_data.DemoRegion,
    region: Region,
    cycle: EvaluationCycle,
    indicators: list[tuple[demo_data.Figures, Indicator]],
    analyst: AbstractBaseUser,
    today: datetime.date,
) -> tuple[int, list]:
    """Enter the region's figures, analyses, commitments and evidence as its analyst; return how many figures
    were saved and DIPRES's decisions on external causes still to take."""
    cells = [_cell(indicator, *cell) for figures, indicator in indicators for cell in figures.cells()]
    saved = indicator_services.measurements_save(
        user=analyst, region=region, cycle=cycle, cells=cells, reason=_reason()
    )
    decisions = []
    for figures, indicator in indicators:
        if figures.analysis:
            analysis = indicator_services.result_analysis_save(
                user=analyst,
                indicator=indicator,
                cycle=cycle,
                causes=figures.analysis.causes,
                external_causes=figures.analysis.external,
                overachievement_justification=figures.analysis.justification,
            )
            if figures.analysis.accepted is not None:
                decisions.append((analysis, figures.analysis.accepted))
        if figures.commitment:
            promise = figures.commitment
            due = today + datetime.timedelta(days=promise.due_in_days)
            commitment = indicator_services.improvement_commitment_add(
                user=analyst,
                indicator=indicator,
                cycle=cycle,
                description=promise.description,
                owner=promise.owner,
                due_date=due,
                recorded_on=min(today, due),  # the overdue one shown was agreed before it fell due
            )
            if promise.status != "pendiente" or promise.follow_up:
                indicator_services.improvement_commitment_follow_up(
                    user=analyst, commitment=commitment, cycle=cycle, status=promise.status, follow_up=promise.follow_up
                )
        if figures.evidence:
            upload = SimpleUploadedFile(
                f"{figures.evidence}.pdf",
                _pdf(["Documento ilustrativo (demostracion de PbR GORE)", "No es un documento oficial."]),
                content_type="application/pdf",
            )
            indicator_services.evidence_add(
                user=analyst,
                indicator=indicator,
                cycle=cycle,
                year=cycle.year,
                upload=upload,
                description=_("Ilustrativo: no es un documento oficial."),
            )
    return saved, decisions


def _review(
    *,
    spec: demo_data.DemoRegion,
    region: Region,
    cycle: EvaluationCycle,
    analyst: AbstractBaseUser,
    reviewer: AbstractBaseUser,
    decisions: list,
) -> None:
    """Take the region's submission as far as the demonstration says: sent, returned or approved."""
    if spec.status == demo_data.DRAFT:
        return
    services.submission_send(user=analyst, region=region, cycle=cycle)
    for analysis, accepted in decisions:
        indicator_services.result_analysis_decide(user=reviewer, analysis=analysis, accepted=accepted)
    if spec.status == demo_data.RETURNED:
        services.submission_return(user=reviewer, region=region, cycle=cycle, comment=spec.review_comment)
    elif spec.status == demo_data.APPROVED:
        services.submission_approve(user=reviewer, region=region, cycle=cycle, comment=spec.review_comment)


def demo_cycles() -> models.QuerySet[EvaluationCycle]:
    """Return the illustrative cycles."""
    return EvaluationCycle.objects.filter(is_illustrative=True)


@transaction.atomic
def demo_load(*, today: datetime.date) -> DemoLoad | None:
    """Load the illustrative cycle and return what was loaded; None when it is already loaded (nothing
    changes then). Commitments fall due counting from `today`.

    Raises DemoError when a 2011 cycle that is not illustrative exists, when a demo login of
    create_demo_users is missing, or when a region of the data did not exist in 2011; a service's
    ValidationError or PermissionDenied when the data break a rule. Nothing is saved on any error.
    """
    existing = EvaluationCycle.objects.filter(year=demo_data.YEAR).first()
    if existing is not None:
        if existing.is_illustrative:
            return None
        raise DemoError(
            _("Ya existe un ciclo %(year)s que no es ilustrativo: la demostración no se carga encima de él.")
            % {"year": demo_data.YEAR}
        )
    specs = demo_data.REGIONS
    regions = {region.iso_code: region for region in Region.objects.filter(iso_code__in=[s.code for s in specs])}
    for spec in specs:
        region = regions.get(spec.code)
        if region is None or not region.is_active_on(datetime.date(demo_data.YEAR, 1, 1)):
            raise DemoError(
                _("La región %(code)s no existe en %(year)s: cargue primero las regiones (load_document).")
                % {"code": spec.code, "year": demo_data.YEAR}
            )
    users = _users(specs, regions)
    admin = users[ADMIN]
    cycle = EvaluationCycle(
        year=demo_data.YEAR,
        stage=Stage.FORMULATION,
        history_years=demo_data.YEAR - demo_data.FIRST_YEAR,
        is_illustrative=True,
    )
    _create(cycle, user=admin)
    figures = indicator_count = 0
    pending_reviews = []
    # The cycle is formulated (metas included), then goes through its stages to its evaluation, each move
    # recorded as DIPRES's; the regions then send and DIPRES reviews.
    for spec in specs:
        region = regions[spec.code]
        indicators = _definitions(spec=spec, region=region, cycle=cycle, admin=admin)
        indicator_count += len(indicators)
        saved, decisions = _enter(
            spec=spec, region=region, cycle=cycle, indicators=indicators, analyst=users[spec.analyst], today=today
        )
        figures += saved
        pending_reviews.append((spec, region, decisions))
    for _spec, region, _decisions in pending_reviews:  # DIPRES reviews each formulation before the budget bill
        services.formulation_review_record(
            user=users[REVIEWER],
            region=region,
            cycle=cycle,
            comment=_("Fórmulas medibles y metas coherentes con la serie (ilustrativo)."),
            version=0,
        )
    for _stage in range(3):
        cycle = services.cycle_stage_advance(user=users[REVIEWER], cycle=cycle, reason=_reason())
    for spec, region, decisions in pending_reviews:
        _review(
            spec=spec,
            region=region,
            cycle=cycle,
            analyst=users[spec.analyst],
            reviewer=users[REVIEWER],
            decisions=decisions,
        )
    _axes_and_plans(region=regions[demo_data.PLAN_REGION], cycle=cycle, admin=admin)
    _evaluations(reviewer=users[REVIEWER], today=today)
    _document_plans(users=users)
    _document_deadline(today=today, admin=admin)
    _propir(region=regions[demo_data.PROPIR_REGION], cycle=cycle, users=users)
    _pmg(regions=regions, cycle=cycle, users=users)
    return DemoLoad(cycle=cycle, regions=len(specs), indicators=indicator_count, figures=figures)


def _axes_and_plans(*, region: Region, cycle: EvaluationCycle, admin: AbstractBaseUser) -> None:
    """Create the illustrative priority axes, the region's strategic definition in the cycle with objectives
    serving them (its demonstration products serve the objectives) and their medium-term targets."""
    axes = {}
    for code, name, name_en in demo_data.AXES:
        axes[code] = PriorityAxis.objects.filter(code=code).first() or indicator_services.priority_axis_save(
            user=admin,
            axis=None,
            code=code,
            name=name,
            name_en=name_en,
            description="",
            is_active=True,
            version=0,
            is_illustrative=True,
        )
    definition = _create(StrategicDefinition(region=region, cycle=cycle, mission=demo_data.PLAN_MISSION), user=admin)
    products = list(
        StrategicProduct.objects.filter(region=region, indicators__weightings__cycle=cycle)
        .distinct()
        .order_by("number")
    )
    objectives = {}
    for number, description, axis_codes, product_keys in demo_data.PLAN_OBJECTIVES:
        objective = _create(
            StrategicObjective(definition=definition, number=number, description=description), user=admin
        )
        objective.axes.set([axes[code] for code in axis_codes])
        for key in product_keys:
            if key <= len(products):
                products[key - 1].objectives.add(objective)
        objectives[number] = objective
    for code, number, year, value in demo_data.MEDIUM_TERM:
        target = MediumTermTarget(
            objective=objectives[number],
            indicator=Indicator.objects.get(region=region, code=code),
            year=year,
            value=Decimal(value),
            notes=_("Meta de mediano plazo ilustrativa."),
            is_illustrative=True,
        )
        target.full_clean()
        _create(target, user=admin)


def _pmg(*, regions: dict[str, Region], cycle: EvaluationCycle, users: dict[str, AbstractBaseUser]) -> None:
    """Commit and report the illustrative PMG stages as each region's analyst, validate them as DIPRES's
    reviewer, and score the self-assessment, through the PMG's services."""
    systems = {system.code: system for system in ManagementSystem.objects.filter(cycle=cycle)}
    criteria = {criterion.code: criterion for criterion in ExcellenceCriterion.objects.all()}
    for code, rows in demo_data.PMG.items():
        region = regions[code]
        analyst = users[next(spec.analyst for spec in demo_data.REGIONS if spec.code == code)]
        pmg_services.pmg_commitments_save(
            user=analyst,
            region=region,
            cycle=cycle,
            rows=[
                pmg_services.CommitmentInput(systems[s], committed, reported, 0) for s, committed, reported, _v in rows
            ],
            reason=_reason(),
        )
        for system_code, _committed, _reported, validated in rows:
            if validated is not None:
                commitment = PmgCommitment.objects.get(region=region, system=systems[system_code])
                pmg_services.pmg_validate(
                    user=users[REVIEWER],
                    commitment=commitment,
                    validated_stage=validated,
                    notes=_("Validación ilustrativa."),
                    version=commitment.version,
                )
        pmg_services.self_assessment_save(
            user=analyst,
            region=region,
            cycle=cycle,
            scores={criteria[c]: score for c, score in demo_data.SELF_ASSESSMENT[code].items()},
            reason=_reason(),
        )


def _propir(*, region: Region, cycle: EvaluationCycle, users: dict[str, AbstractBaseUser]) -> None:
    """Enter the illustrative PROPIR as the region's analyst, through the PROPIR's service."""
    analyst = next(spec.analyst for spec in demo_data.REGIONS if spec.code == region.iso_code)
    results = {result.code: result for result in MideplanResult.objects.all()}
    rows = [
        investment_services.InitiativeInput(
            **{
                **row,
                "programmed": Decimal(row["programmed"]),
                "executed": Decimal(row["executed"]),
                "result": results[row["result"]],
            }
        )
        for row in demo_data.propir_rows()
    ]
    investment_services.initiatives_save(
        user=users[analyst],
        region=region,
        cycle=cycle,
        year=demo_data.PROPIR_YEAR,
        rows=rows,
        reason=_reason(),
        illustrative=True,
    )


def _document_plans(*, users: dict[str, AbstractBaseUser]) -> None:
    """Enter the illustrative definiciones estratégicas, medium-term targets, budgets and PMG commitments of the
    document's GOREs in its cycle, as each region's analyst, through the services; DIPRES's reviewer links the
    objectives to the axes. A region whose 2012 data someone already entered, or a cycle past Discusión y
    aprobación, is left as it is."""
    cycle = EvaluationCycle.objects.filter(year=demo_data.DOCUMENT_YEAR).first()
    if cycle is None or cycle.is_closed or not indicator_services.definitions_editable(cycle):
        return
    axes = {axis.code: axis for axis in PriorityAxis.objects.all()}
    systems = {system.code: system for system in ManagementSystem.objects.filter(cycle=cycle)}
    for plan in demo_data.DOCUMENT_PLANS:
        region = Region.objects.filter(iso_code=plan.code).first()
        if region is None or _has_own_plans(region, cycle):
            continue
        analyst = users.get(plan.analyst, users[ADMIN])
        _document_plan(plan=plan, region=region, cycle=cycle, analyst=analyst, users=users, axes=axes)
        _document_money_and_pmg(plan=plan, region=region, cycle=cycle, analyst=analyst, systems=systems)


def _document_deadline(*, today: datetime.date, admin: AbstractBaseUser) -> None:
    """Give the document's cycle an illustrative deadline for its current stage a week from today (when it has
    none), so that `manage.py send_reminders` has something to remind of."""
    cycle = EvaluationCycle.objects.filter(year=demo_data.DOCUMENT_YEAR).first()
    if cycle is None or cycle.is_closed or StageDeadline.objects.filter(cycle=cycle, stage=cycle.stage).exists():
        return
    deadline = StageDeadline(
        cycle=cycle,
        stage=cycle.stage,
        due_date=today + datetime.timedelta(days=demo_data.DEADLINE_IN_DAYS),
        note=_("Metas y definiciones para la ley de presupuestos (plazo ilustrativo)."),
        is_illustrative=True,
    )
    deadline.full_clean()
    _create(deadline, user=admin)


def _has_own_plans(region: Region, cycle: EvaluationCycle) -> bool:
    """Return whether the region has definitions, budgets or PMG commitments of its own in the cycle, or its
    data there is no longer with its analysts."""
    editable = [status for status in SubmissionStatus if status.is_editable]
    return (
        Submission.objects.filter(region=region, cycle=cycle).exclude(status__in=editable).exists()
        or StrategicDefinition.objects.filter(region=region, cycle=cycle).exists()
        or ProductBudget.objects.filter(product__region=region, year=cycle.year).exists()
        or PmgCommitment.objects.filter(region=region, system__cycle=cycle).exists()
    )


def _document_plan(
    *,
    plan: demo_data.DocumentPlan,
    region: Region,
    cycle: EvaluationCycle,
    analyst: AbstractBaseUser,
    users: dict[str, AbstractBaseUser],
    axes: dict[str, PriorityAxis],
) -> None:
    indicator_services.definition_save(
        user=analyst, region=region, cycle=cycle, mission=plan.mission, version=0, reason=_reason(), illustrative=True
    )
    products = {product.number: product for product in StrategicProduct.objects.filter(region=region)}
    objectives = {}
    for number, description, axis_codes, product_numbers in plan.objectives:
        objective = indicator_services.objective_save(
            user=analyst,
            region=region,
            cycle=cycle,
            objective=None,
            number=number,
            description=description,
            products=[products[n] for n in product_numbers],
            version=0,
            reason=_reason(),
        )
        objectives[number] = indicator_services.objective_axes_set(
            user=users[REVIEWER],
            objective=objective,
            axes=[axes[code] for code in axis_codes],
            version=objective.version,
        )
    for code, number, year, value in plan.targets:
        indicator_services.medium_term_target_save(
            user=analyst,
            objective=objectives[number],
            target=None,
            data=indicator_services.TargetInput(
                indicator=Indicator.objects.get(region=region, code=code),
                year=year,
                value=Decimal(value),
                notes=_("Meta de mediano plazo ilustrativa."),
            ),
            version=0,
            reason=_reason(),
            illustrative=True,
        )


def _document_money_and_pmg(
    *,
    plan: demo_data.DocumentPlan,
    region: Region,
    cycle: EvaluationCycle,
    analyst: AbstractBaseUser,
    systems: dict[str, ManagementSystem],
) -> None:
    products = {product.number: product for product in StrategicProduct.objects.filter(region=region)}
    indicator_services.product_budgets_save(
        user=analyst,
        region=region,
        cycle=cycle,
        rows=[
            indicator_services.BudgetInput(products[number], Decimal(allocated), None, None, 0)
            for number, allocated in plan.budgets
        ],
        reason=_reason(),
        illustrative=True,
    )
    pmg_services.pmg_commitments_save(
        user=analyst,
        region=region,
        cycle=cycle,
        rows=[pmg_services.CommitmentInput(systems[code], stage, None, 0) for code, stage in plan.pmg],
        reason=_reason(),
        illustrative=True,
    )


def _evaluations(*, reviewer: AbstractBaseUser, today: datetime.date) -> None:
    """Record the illustrative evaluations of the document's GOREs in its cycle, as DIPRES's reviewer, with
    their commitments, still open for the analysts to follow up: a follow-up would open the region's 2012
    submission, which the demonstration leaves as the document has it (nothing when that cycle is absent)."""
    cycle = EvaluationCycle.objects.filter(year=demo_data.DOCUMENT_YEAR).first()
    if cycle is None or cycle.is_closed:
        return
    regions = {
        region.iso_code: region
        for region in Region.objects.filter(iso_code__in={e.code for e in demo_data.EVALUATIONS})
    }
    for spec in demo_data.EVALUATIONS:
        region = regions[spec.code]
        report = None
        if spec.finished:
            report = SimpleUploadedFile(
                "informe-final.pdf",
                _pdf(["Informe de evaluacion ilustrativo (demostracion de PbR GORE)", "No es un documento oficial."]),
            )
        evaluation = program_services.evaluation_save(
            user=reviewer,
            region=region,
            cycle=cycle,
            data=program_services.EvaluationInput(
                line=EvaluationLine.objects.get(code=spec.line),
                program=spec.program,
                product=StrategicProduct.objects.get(region=region, number=spec.product) if spec.product else None,
                evaluator=spec.evaluator,
                started_on=datetime.date(*spec.started),
                finished_on=datetime.date(*spec.finished) if spec.finished else None,
                verdict=Verdict.objects.get(cycle=cycle, code=spec.verdict) if spec.verdict else None,
                summary=spec.summary,
                report=report,
                is_illustrative=True,
            ),
            reason=_reason(),
        )
        for promise in spec.commitments:
            due = today + datetime.timedelta(days=promise.due_in_days)
            program_services.institutional_commitment_add(
                user=reviewer,
                evaluation=evaluation,
                description=promise.description,
                owner=promise.owner,
                due_date=due,
                recorded_on=min(today, due),  # the overdue ones shown were agreed before they fell due
            )


def _delete(queryset: models.QuerySet, purged: dict[type, set[int]]) -> int:
    """Delete the rows and remember their ids, so that their audit history goes with them."""
    model = queryset.model
    ids = set(queryset.values_list("pk", flat=True))
    if hasattr(model, "history"):
        purged.setdefault(model, set()).update(ids)
    model.objects.filter(pk__in=ids).delete()
    return len(ids)


def _propir_remove(cycles: list[EvaluationCycle], purged: dict[type, set[int]]) -> None:
    """Delete the illustrative initiatives, the imports made in the demonstration's cycles, and the efectivos
    computed from years whose list was only illustrative (the efectivos themselves are the document's)."""
    PropirImport.objects.filter(cycle__in=cycles).delete()
    illustrative = InvestmentInitiative.objects.filter(is_illustrative=True)
    years = set(illustrative.values_list("region_id", "year"))
    _delete(illustrative, purged)
    for region_id, year in years:
        if not InvestmentInitiative.objects.filter(region_id=region_id, year=year).exists():
            _delete(ComputedFigure.objects.filter(indicator__region_id=region_id, year=year), purged)


def _reasons() -> set[str]:
    """Return the demonstration's history reason in every language it may have been loaded in."""
    reasons = set()
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            reasons.add(_reason())
    return reasons


def _document_plans_remove(cycles: list[EvaluationCycle], purged: dict[type, set[int]]) -> None:
    """Delete what the demonstration entered in the document's cycle (illustrative definitions with their
    objectives and targets, budgets and PMG commitments), the audit records its links left on the document's
    products, and the submissions it opened there that nobody used since (borrador, no event, never changed:
    the same as none)."""
    since = EvaluationCycle.history.filter(id__in=[c.pk for c in cycles], history_type="+").aggregate(
        since=Min("history_date")
    )["since"]
    definitions = StrategicDefinition.objects.filter(is_illustrative=True)
    objectives = StrategicObjective.objects.filter(definition__in=definitions)
    linked = set(StrategicProduct.objects.filter(objectives__in=objectives).values_list("pk", flat=True))
    region_ids = set(definitions.values_list("region_id", flat=True))
    region_ids |= set(ProductBudget.objects.filter(is_illustrative=True).values_list("product__region_id", flat=True))
    region_ids |= set(PmgCommitment.objects.filter(is_illustrative=True).values_list("region_id", flat=True))
    _delete(MediumTermTarget.objects.filter(objective__in=objectives), purged)
    _delete(objectives, purged)
    _delete(definitions, purged)
    _delete(ProductBudget.objects.filter(is_illustrative=True), purged)
    _delete(PmgCommitment.objects.filter(is_illustrative=True), purged)
    if since is None:
        return
    StrategicProduct.history.filter(
        id__in=linked, history_date__gte=since, history_change_reason__in=_reasons()
    ).delete()
    opened = (
        Submission.objects.filter(region_id__in=region_ids, cycle__is_illustrative=False, status=SubmissionStatus.DRAFT)
        .annotate(events_count=Count("events"))
        .filter(events_count=0)
    )
    unused = [
        submission.pk
        for submission in opened
        if not Submission.history.filter(id=submission.pk)
        .filter(Q(history_type="~") | Q(history_date__lt=since))
        .exists()
    ]
    _delete(Submission.objects.filter(pk__in=unused), purged)


@transaction.atomic
def demo_remove() -> DemoRemoval | None:
    """Delete the illustrative cycles and everything that belongs only to them, with its audit history,
    and the analyst the demonstration created; return what was removed, or None when there was nothing.

    Only indicators flagged illustrative whose every weighting is in an illustrative cycle go, and only
    products all of whose indicators go: the document's data (and anything else) stay as they are.
    Evidence files are deleted from the storage once the transaction commits.
    """
    cycles = list(demo_cycles())
    if not cycles:
        return None
    indicator_ids = set(
        Indicator.objects.filter(is_illustrative=True, weightings__cycle__in=cycles)
        .exclude(weightings__cycle__is_illustrative=False)
        .values_list("pk", flat=True)
    )
    product_ids = set(
        StrategicProduct.objects.filter(indicators__in=indicator_ids)
        .exclude(indicators__in=Indicator.objects.exclude(pk__in=indicator_ids))
        .values_list("pk", flat=True)
    )
    files = list(Evidence.objects.filter(indicator__in=indicator_ids).values_list("file", flat=True))
    illustrative = ProgramEvaluation.objects.filter(models.Q(is_illustrative=True) | models.Q(cycle__in=cycles))
    files += [name for name in illustrative.values_list("report", flat=True) if name]
    own = models.Q(cycle__in=cycles) | models.Q(indicator__in=indicator_ids)
    purged: dict[type, set[int]] = {}
    ImportLog.objects.filter(cycle__in=cycles).delete()
    CycleSnapshot.objects.filter(cycle__in=cycles).delete()
    _propir_remove(cycles, purged)
    _document_plans_remove(cycles, purged)
    _delete(StageDeadline.objects.filter(is_illustrative=True), purged)
    _delete(PmgCommitment.objects.filter(system__cycle__in=cycles), purged)
    _delete(SelfAssessment.objects.filter(cycle__in=cycles), purged)
    _delete(ManagementSystem.objects.filter(cycle__in=cycles), purged)
    _delete(InstitutionalCommitment.objects.filter(evaluation__in=illustrative), purged)
    _delete(illustrative, purged)
    _delete(Submission.objects.filter(cycle__in=cycles), purged)  # with its events
    _delete(MediumTermTarget.objects.filter(objective__definition__cycle__in=cycles), purged)
    _delete(StrategicObjective.objects.filter(definition__cycle__in=cycles), purged)
    _delete(StrategicDefinition.objects.filter(cycle__in=cycles), purged)
    for model in (ResultAnalysis, ImprovementCommitment, IndicatorWeighting):
        _delete(model.objects.filter(own), purged)
    figures = _delete(Measurement.objects.filter(indicator__in=indicator_ids), purged)
    _delete(Evidence.objects.filter(indicator__in=indicator_ids), purged)
    _delete(ProductBudget.objects.filter(product__in=product_ids), purged)
    _delete(Indicator.objects.filter(pk__in=indicator_ids), purged)
    _delete(StrategicProduct.objects.filter(pk__in=product_ids), purged)
    _delete(PriorityAxis.objects.filter(is_illustrative=True), purged)
    years = sorted(cycle.year for cycle in cycles)
    _delete(EvaluationCycle.objects.filter(pk__in=[cycle.pk for cycle in cycles]), purged)
    for model, ids in purged.items():
        model.history.filter(id__in=ids).delete()
    users, kept = [], []
    analyst = get_user_model().objects.filter(username=demo_data.DEMO_ANALYST).first()
    if analyst is not None:
        try:
            with transaction.atomic():
                analyst.delete()
        except ProtectedError:
            kept.append(analyst.username)  # it acted outside the demonstration too: kept, with its traces
        else:
            users.append(analyst.username)

    def delete_files() -> None:
        for name in files:
            if name:
                default_storage.delete(name)

    transaction.on_commit(delete_files)
    return DemoRemoval(
        cycles=years,
        indicators=len(indicator_ids),
        products=len(product_ids),
        figures=figures,
        users=users,
        kept_users=kept,
    )
