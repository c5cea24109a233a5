"""The indicators' closed vocabularies: dimensión, ámbito de control, sentido, unit, kind of figure,
state of a compromiso de mejora and of a spreadsheet import.

Each is one enum with its Spanish label (translated by the catalog); code and templates compare members,
never strings."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from indicators import calculations


class Dimension(models.TextChoices):
    EFFECTIVENESS = "eficacia", _("Eficacia")
    EFFICIENCY = "eficiencia", _("Eficiencia")
    ECONOMY = "economia", _("Economía")
    QUALITY = "calidad", _("Calidad")


class ControlScope(models.TextChoices):
    PROCESS = calculations.SCOPE_PROCESS, _("Proceso")
    PRODUCT = calculations.SCOPE_PRODUCT, _("Producto")
    INTERMEDIATE_RESULT = calculations.SCOPE_RESULT_INTERMEDIATE, _("Resultado intermedio")
    FINAL_RESULT = calculations.SCOPE_RESULT_FINAL, _("Resultado final")


class Direction(models.TextChoices):
    ASCENDING = "ascendente", _("Ascendente (más es mejor)")
    DESCENDING = "descendente", _("Descendente (menos es mejor)")


class Unit(models.TextChoices):
    PERCENT = "porcentaje", _("Porcentaje (%)")
    NUMBER = "numero", _("Número")
    PESOS = "pesos", _("Pesos ($)")
    THOUSAND_PESOS = "miles_pesos", _("Miles de pesos (M$)")
    DAYS = "dias", _("Días")
    RATE = "tasa", _("Tasa")


class MeasurementKind(models.TextChoices):
    ACTUAL = "efectivo", _("Efectivo")
    ESTIMATE = "estimado", _("Estimado")
    TARGET = "meta", _("Meta")


class CommitmentStatus(models.TextChoices):
    PENDING = "pendiente", _("Pendiente")
    IN_PROGRESS = "en_curso", _("En curso")
    DONE = "cumplido", _("Cumplido")
    MISSED = "no_cumplido", _("No cumplido")


class ImportStatus(models.TextChoices):
    PREVIEW = "vista_previa", _("Vista previa")
    APPLIED = "aplicada", _("Aplicada")
    REJECTED = "rechazada", _("Con errores")
    STALE = "desactualizada", _("Desactualizada")


class FigureSource(models.TextChoices):
    """Where an indicator's efectivos come from: typed by the analysts, or computed from a list the region
    keeps in pbr (the PROPIR's initiatives: those put in execution over those programmed)."""

    ENTERED = "ingresado", _("Ingresado por los analistas")
    PROPIR = "propir", _("Calculado desde el PROPIR (iniciativas en ejecución / programadas)")


class ObservationTopic(models.TextChoices):
    """What of an indicator a reviewer's observation is about."""

    FORMULA = "formula", _("Fórmula")
    FIGURE = "cifra", _("Una cifra")
    AMBITION = "ambicion", _("Ambición de la meta")
    VERIFICATION = "verificacion", _("Medios de verificación")
    CAUSES = "causas", _("Causas del resultado")
    OTHER = "otro", _("Otro")


class ObservationStatus(models.TextChoices):
    """Where an observation's thread stands: awaiting the region (abierta), awaiting DIPRES (respondida), or
    closed by DIPRES (resuelta). Until resolved it keeps the region's data from being approved."""

    OPEN = "abierta", _("Abierta")
    ANSWERED = "respondida", _("Respondida")
    RESOLVED = "resuelta", _("Resuelta")

    @property
    def badge_class(self) -> str:
        return {
            ObservationStatus.OPEN: "text-bg-danger",
            ObservationStatus.ANSWERED: "text-bg-warning",
            ObservationStatus.RESOLVED: "text-bg-success",
        }[self]


class CheckItem(models.TextChoices):
    """The formulation checklist a reviewer goes through for each indicator (ours, from DIPRES's guide)."""

    MEASURABLE = "medible", _("Fórmula medible")
    PARTS = "partes", _("Numerador y denominador descritos")
    VERIFICATION = "verificacion", _("Medios de verificación")
    ASSUMPTIONS = "supuestos", _("Supuestos")
    CONSISTENT = "coherente", _("Meta coherente con la serie histórica")

    @property
    def topic(self) -> ObservationTopic:
        """Return the topic an observation of this item is about."""
        return {
            CheckItem.MEASURABLE: ObservationTopic.FORMULA,
            CheckItem.PARTS: ObservationTopic.FORMULA,
            CheckItem.VERIFICATION: ObservationTopic.VERIFICATION,
            CheckItem.ASSUMPTIONS: ObservationTopic.OTHER,
            CheckItem.CONSISTENT: ObservationTopic.AMBITION,
        }[self]


class CheckState(models.TextChoices):
    OK = "conforme", _("Conforme")
    OBSERVED = "observado", _("Observado")
