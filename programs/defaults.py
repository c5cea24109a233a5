"""DIPRES's usual evaluation lines and verdicts, shipped as defaults: the document names the lines (ex ante,
ex post of programs, institutional) but gives no categories. Everything here is configurable in the admin:
the lines once, the verdicts per cycle (a new cycle takes its predecessor's lists, or these)."""

from __future__ import annotations

from typing import NamedTuple

from programs.vocabulary import EvaluationScope, VerdictKind


class Entry(NamedTuple):
    code: str
    name: str
    name_en: str
    scope_or_favourable: object = None


LINES = [
    Entry(
        "ex-ante",
        "Evaluación ex ante de programas nuevos o reformulados",
        "Ex ante evaluation of new or reformulated programmes",
        EvaluationScope.EX_ANTE,
    ),
    Entry(
        "epg",
        "Evaluación de Programas Gubernamentales (EPG)",
        "Evaluation of Government Programmes (EPG)",
        EvaluationScope.EX_POST,
    ),
    Entry("impacto", "Evaluación de Impacto (EI)", "Impact Evaluation (EI)", EvaluationScope.EX_POST),
    Entry(
        "ecg",
        "Evaluación Comprehensiva del Gasto (ECG)",
        "Comprehensive Spending Review (ECG)",
        EvaluationScope.INSTITUTIONAL,
    ),
]

VERDICTS = {
    VerdictKind.RECOMMENDATION: [
        Entry("recomendado", "Recomendado favorablemente", "Favourably recommended", True),
        Entry("objetado", "Objetado técnicamente", "Technically objected", False),
        Entry("no-recomendado", "No recomendado", "Not recommended", False),
    ],
    # The categories DIPRES used for what an evaluation's findings imply for the program.
    VerdictKind.RESULT: [
        Entry("ajustes-menores", "Ajustes menores", "Minor adjustments", True),
        Entry(
            "modificaciones",
            "Modificaciones en el diseño o en los procesos de gestión interna",
            "Changes to the design or to internal management processes",
            False,
        ),
        Entry("rediseno", "Rediseño sustantivo", "Substantial redesign", False),
        Entry("reubicacion", "Reubicación institucional", "Institutional relocation", False),
        Entry("finalizacion", "Finalización o reemplazo íntegro", "Termination or full replacement", False),
    ],
}


def lines_create(line_model) -> None:
    """Create the default evaluation lines that are missing (by code)."""
    present = set(line_model.objects.values_list("code", flat=True))
    line_model.objects.bulk_create(
        [
            line_model(code=e.code, name=e.name, name_en=e.name_en, scope=e.scope_or_favourable, order=i)
            for i, e in enumerate(LINES, start=1)
            if e.code not in present
        ]
    )


def verdicts_create(verdict_model, cycle, previous=None) -> None:
    """Give a cycle without verdicts its lists: a copy of the previous cycle's, or the defaults."""
    if verdict_model.objects.filter(cycle=cycle).exists():
        return
    source = list(verdict_model.objects.filter(cycle=previous)) if previous is not None else []
    if source:
        rows = [
            verdict_model(
                cycle=cycle,
                kind=v.kind,
                code=v.code,
                name=v.name,
                name_en=v.name_en,
                order=v.order,
                is_favourable=v.is_favourable,
            )
            for v in source
        ]
    else:
        rows = [
            verdict_model(
                cycle=cycle,
                kind=kind,
                code=e.code,
                name=e.name,
                name_en=e.name_en,
                order=i,
                is_favourable=e.scope_or_favourable,
            )
            for kind, entries in VERDICTS.items()
            for i, e in enumerate(entries, start=1)
        ]
    verdict_model.objects.bulk_create(rows)
