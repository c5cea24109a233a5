"""The closed vocabularies of evaluations: what an evaluation line evaluates and which list its verdicts
come from. The lines and the verdicts themselves are configurable (programs.models)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EvaluationScope(models.TextChoices):
    """What an evaluation line looks at and when: a program proposal before its budget, a running program,
    or the institution (the GORE) as a whole."""

    EX_ANTE = "ex_ante", _("Ex ante de programa")
    EX_POST = "ex_post", _("Ex post de programa")
    INSTITUTIONAL = "institucional", _("Institucional")


class VerdictKind(models.TextChoices):
    """The two per-cycle lists a verdict belongs to: ex ante evaluations end in a recommendation, the others
    in a result category."""

    RECOMMENDATION = "recomendacion", _("Recomendación ex ante")
    RESULT = "resultado", _("Categoría de resultado")

    @classmethod
    def for_scope(cls, scope: str) -> VerdictKind:
        return cls.RECOMMENDATION if scope == EvaluationScope.EX_ANTE else cls.RESULT
