"""The PMG and the self-assessment as tables for spreadsheets (core.exports). Pure: no ORM."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.exports import Table


def pmg_tables(pmg, years: list[int], assessment) -> list[Table]:
    """Return the systems with the region's commitments, and the self-assessment by criterion and year."""
    systems = Table(
        "pmg",
        _("PMG"),
        [
            _("Sistema"),
            _("Área"),
            _("Etapas"),
            _("Ponderación (%)"),
            _("Etapa comprometida"),
            _("Etapa informada"),
            _("Etapa validada"),
            _("Cumplido"),
            _("Observaciones"),
        ],
        [
            [
                system.label,
                system.get_area_display(),
                system.stages,
                system.weight,
                commitment.committed_stage if commitment else None,
                commitment.reported_stage if commitment else None,
                commitment.validated_stage if commitment else None,
                commitment.met if commitment else None,
                commitment.validation_notes if commitment else "",
            ]
            for system, commitment in pmg.rows
        ],
    )
    scores = Table(
        "autoevaluacion",
        _("Autoevaluación"),
        [_("Criterio"), _("Máximo"), *[str(year) for year in years]],
        [[row.criterion.label, row.criterion.max_score, *row.scores] for row in assessment],
    )
    return [systems, scores]
