"""The cycles' closed vocabularies: stage of a cycle, weighting mode, submission status and workflow action.

Each is one enum with its Spanish label (translated by the catalog); code and templates compare members,
never strings."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from evaluation.scoring import Weighting


class Stage(models.TextChoices):
    FORMULATION = "formulacion", _("Formulación")
    APPROVAL = "discusion_aprobacion", _("Discusión y aprobación")
    EXECUTION = "ejecucion", _("Ejecución")
    EVALUATION = "evaluacion", _("Evaluación")
    CLOSED = "cerrado", _("Cerrado")


class WeightingMode(models.TextChoices):
    ALL_OR_NOTHING = Weighting.ALL_OR_NOTHING.value, _("Todo o nada")
    PROPORTIONAL = Weighting.PROPORTIONAL.value, _("Proporcional al cumplimiento")


class SubmissionStatus(models.TextChoices):
    DRAFT = "borrador", _("Borrador")
    SENT = "enviado", _("Enviado a revisión")
    RETURNED = "devuelto", _("Devuelto con observaciones")
    APPROVED = "aprobado", _("Aprobado")
    REOPENED = "reabierto", _("Reabierto")

    @property
    def is_editable(self) -> bool:
        """Return whether the data is with the analysts (borrador, devuelto or reabierto)."""
        return self in (SubmissionStatus.DRAFT, SubmissionStatus.RETURNED, SubmissionStatus.REOPENED)

    @property
    def awaits_review(self) -> bool:
        return self is SubmissionStatus.SENT

    @property
    def is_approved(self) -> bool:
        return self is SubmissionStatus.APPROVED

    @property
    def badge_class(self) -> str:
        """Return the Bootstrap class of the status badge (the badge always shows the status's word too)."""
        return {
            SubmissionStatus.SENT: "text-bg-primary",
            SubmissionStatus.RETURNED: "text-bg-warning",
            SubmissionStatus.APPROVED: "text-bg-success",
            SubmissionStatus.REOPENED: "text-bg-warning",
        }.get(self, "text-bg-secondary")

    @property
    def predicate(self) -> str:
        """Return what «los datos están …» says of data in this status, agreeing with «los datos» (plural)."""
        return str(
            {
                SubmissionStatus.DRAFT: pgettext_lazy("los datos están", "en borrador"),
                SubmissionStatus.SENT: pgettext_lazy("los datos están", "enviados a revisión"),
                SubmissionStatus.RETURNED: pgettext_lazy("los datos están", "devueltos con observaciones"),
                SubmissionStatus.APPROVED: pgettext_lazy("los datos están", "aprobados"),
                SubmissionStatus.REOPENED: pgettext_lazy("los datos están", "reabiertos"),
            }[self]
        )


class SubmissionAction(models.TextChoices):
    SEND = "enviar", _("Enviado a revisión")
    RETURN = "devolver", _("Devuelto con observaciones")
    APPROVE = "aprobar", _("Aprobado")
    REOPEN = "reabrir", _("Reabierto")


# What each stage is for, and what it changes (docs/domain.md §6b).
STAGE_MEANING = {
    Stage.FORMULATION: _(
        "Los gobiernos regionales formulan sus definiciones, indicadores, fórmulas y metas; DIPRES las revisa."
    ),
    Stage.APPROVAL: _(
        "El presupuesto viaja con la información de desempeño: el informe de cada región acompaña la discusión "
        "de la ley. Las metas aún se ajustan."
    ),
    Stage.EXECUTION: _(
        "Seguimiento: se informan estimados y efectivos parciales. Las metas del año quedaron fijas con el "
        "presupuesto aprobado."
    ),
    Stage.EVALUATION: _(
        "Evaluación: efectivos finales, cumplimiento de metas e incentivo. El efectivo del año es obligatorio "
        "para enviar."
    ),
    Stage.CLOSED: _("Cerrado: los resultados quedaron congelados; nada cambia."),
}
