"""An indicator's history of changes: who changed which field of the indicator, its weightings, figures, analysis,
improvement commitments and evidence, when, from what to what, and why."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.numbers import format_number
from indicators.models import (
    Evidence,
    ImprovementCommitment,
    Indicator,
    IndicatorWeighting,
    Measurement,
    MeasurementKind,
    ResultAnalysis,
)


@dataclass
class FieldChange:
    label: str
    old: str
    new: str


@dataclass
class Change:
    """One recorded change: when, by whom, to what, and which fields went from what to what."""

    when: object
    who: object
    subject: str
    action: str
    fields: list[FieldChange]


# What the history page reports for each kind of record, by attribute name.
_HISTORY_FIELDS = {
    Indicator: [
        "name",
        "formula",
        "numerator_description",
        "denominator_description",
        "unit",
        "factor",
        "decimals",
        "dimension",
        "control_scope",
        "direction",
        "is_share",
        "verification_means",
        "assumptions",
        "notes",
        "is_active",
    ],
    IndicatorWeighting: ["weight", "counts_for_incentive", "notes"],
    Measurement: ["numerator", "denominator"],
    ResultAnalysis: ["causes", "external_causes", "external_accepted", "overachievement_justification"],
    ImprovementCommitment: ["description", "owner", "due_date", "status", "follow_up"],
    Evidence: ["original_name", "description", "withdrawn"],
}


_ACTIONS = {"+": gettext_lazy("creó"), "~": gettext_lazy("modificó"), "-": gettext_lazy("eliminó")}


def _display(model, name: str, value) -> str:

    field = model._meta.get_field(name)
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("sí") if value else _("no")
    if isinstance(value, Decimal):
        return format_number(value)
    return str(value)


def _subject(model, record) -> str:
    if model is Measurement:
        return f"{record.year} {MeasurementKind(record.kind).label}"
    if model is IndicatorWeighting:
        return str(_("Ponderación del ciclo"))
    if model is Indicator:
        return str(_("Definición del indicador"))
    if model is Evidence:
        return f"{_('Medio de verificación')} {record.year}"
    return str(model._meta.verbose_name).capitalize()


def indicator_changes(*, indicator: Indicator) -> list[Change]:
    """Return every recorded change to the indicator and what hangs from it, newest first.

    One query per kind of record (six), whatever the number of changes.
    """
    sources = [(Indicator, Indicator.history.filter(id=indicator.pk))]
    for model in (IndicatorWeighting, Measurement, ResultAnalysis, ImprovementCommitment, Evidence):
        sources.append((model, model.history.filter(indicator_id=indicator.pk)))
    return recorded_changes(sources, fields=_HISTORY_FIELDS, subject=_subject)


def recorded_changes(
    sources: list[tuple[type, QuerySet]],
    *,
    fields: dict[type, list[str]],
    subject: Callable[[type, object], str],
    shown: dict[str, Callable[[object], str]] | None = None,
) -> list[Change]:
    """Return the changes the audit records of `sources` ((model, its history queryset) pairs) hold, newest
    first: per record, the listed `fields` that it set or changed, from what to what (`shown` turns a
    field's value, a related row's id for instance, into what the page says). One query per source."""
    shown = shown or {}
    changes = []
    for model, history in sources:
        previous_by_object = {}
        for record in history.select_related("history_user").order_by("id", "history_date", "history_id"):
            previous = previous_by_object.get(record.id)
            changed = []
            for name in fields[model]:
                label = str(model._meta.get_field(name).verbose_name)
                display = shown.get(name) or (lambda value, name=name, model=model: _display(model, name, value))
                new = display(getattr(record, name))
                old = display(getattr(previous, name)) if previous else "—"
                if (record.history_type == "+" and new != "—") or (record.history_type == "~" and old != new):
                    changed.append(FieldChange(label, old, new))
            if record.history_type != "~" or changed:
                changes.append(
                    Change(
                        record.history_date,
                        record.history_user,
                        subject(model, record),
                        str(_ACTIONS[record.history_type]),
                        changed,
                    )
                )
            previous_by_object[record.id] = record
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes
