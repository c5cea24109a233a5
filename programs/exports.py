"""A region's evaluations and their commitments as tables for spreadsheets (core.exports). Pure: no ORM."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.exports import Table
from indicators.vocabulary import CommitmentStatus


def evaluation_tables(shown) -> list[Table]:
    """Return the evaluations and the commitments a cycle's page shows (programs.selectors.RegionEvaluations)."""
    evaluations = Table(
        "evaluaciones",
        _("Evaluaciones"),
        [
            _("Ciclo"),
            _("Línea de evaluación"),
            _("Programa evaluado"),
            _("Producto estratégico"),
            _("Evaluador"),
            _("Inicio"),
            _("Término"),
            _("Resultado"),
            _("Conclusiones"),
            _("Compromisos"),
            _("Cumplidos"),
            _("Abiertos"),
            _("Vencidos"),
            _("Ilustrativa"),
        ],
        [
            [
                row.evaluation.cycle.year,
                row.evaluation.line.label,
                row.evaluation.title,
                row.evaluation.product.name if row.evaluation.product else "",
                row.evaluation.evaluator,
                row.evaluation.started_on,
                row.evaluation.finished_on,
                row.evaluation.verdict.label if row.evaluation.verdict else "",
                row.evaluation.summary,
                row.counts.total,
                row.counts.done,
                row.counts.open,
                row.counts.overdue,
                row.evaluation.is_illustrative,
            ]
            for row in shown.rows
        ],
    )
    commitments = Table(
        "compromisos",
        _("Compromisos institucionales"),
        [
            _("Ciclo"),
            _("Programa evaluado"),
            _("Compromiso"),
            _("Responsable"),
            _("Fecha comprometida"),
            _("Estado"),
            _("Vencido"),
            _("Seguimiento"),
        ],
        [
            [
                row.evaluation.cycle.year,
                row.evaluation.title,
                commitment.description,
                commitment.owner,
                commitment.due_date,
                str(CommitmentStatus(commitment.status).label),
                row.overdue(commitment),
                commitment.follow_up,
            ]
            for row in shown.rows
            for commitment in row.commitments
        ],
    )
    return [evaluations, commitments]


def illustrative_note(cycle, shown) -> str:
    """Return the first line of the exports when what they hold is illustrative, else «»."""
    if cycle.is_illustrative or any(row.evaluation.is_illustrative for row in shown.rows):
        return _(
            "Datos ilustrativos: las evaluaciones marcadas como ilustrativas son ejemplos, no evaluaciones reales."
        )
    return ""
