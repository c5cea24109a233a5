"""The words of each notification, written in the active language when shown or mailed (never stored): a
title and the lines under it, from the notification's event and the data it carries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from notifications.vocabulary import Event

OBSERVATION_ACTIONS = ("abierta", "respuesta", "resuelta")


@dataclass(frozen=True)
class Text:
    title: str
    lines: tuple[str, ...] = ()


def _who(notification) -> str:
    actor = notification.actor
    if actor is None:
        return _("El sistema")
    return actor.get_full_name() or actor.get_username()


def _place(notification) -> dict:
    return {
        "region": notification.region.name if notification.region_id else "",
        "year": notification.cycle.year if notification.cycle_id else "",
    }


def _date(value: str) -> str:
    return date_format(date.fromisoformat(value), "SHORT_DATE_FORMAT")


def text_of(notification) -> Text:
    """Return the title and lines of the notification in the active language."""
    params, place = notification.params, _place(notification)
    who = _who(notification)
    comment = params.get("comment", "")
    said = (f"«{comment}»",) if comment else ()
    event = notification.event
    if event == Event.SENT:
        return Text(
            _("%(region)s envió sus datos %(year)s a revisión.") % place, (_("Enviados por %(who)s.") % {"who": who},)
        )
    if event == Event.RETURNED:
        return Text(_("DIPRES devolvió los datos %(year)s de %(region)s con observaciones.") % place, said)
    if event == Event.APPROVED:
        return Text(_("DIPRES aprobó los datos %(year)s de %(region)s.") % place, said)
    if event == Event.REOPENED:
        return Text(_("DIPRES reabrió los datos %(year)s de %(region)s.") % place, said)
    if event == Event.CAUSE_DECIDED:
        values = {**place, "code": params.get("indicator", "")}
        title = (
            _("DIPRES aceptó las causas externas de %(code)s (%(region)s, %(year)s).")
            if params.get("accepted")
            else _("DIPRES rechazó las causas externas de %(code)s (%(region)s, %(year)s).")
        )
        return Text(title % values)
    if event == Event.OBSERVATION:
        values = {**place, "code": params.get("indicator", ""), "who": who}
        titles = {
            "abierta": _("%(who)s abrió una observación sobre %(code)s (%(region)s, %(year)s)."),
            "respuesta": _("%(who)s respondió la observación sobre %(code)s (%(region)s, %(year)s)."),
            "resuelta": _("%(who)s dio por resuelta la observación sobre %(code)s (%(region)s, %(year)s)."),
        }
        return Text(titles.get(params.get("action"), titles["respuesta"]) % values, said)
    if event == Event.COMMITMENT_DUE:
        values = {**place, "due": _date(params["due"]) if params.get("due") else ""}
        title = (
            _("Compromiso vencido el %(due)s (%(region)s).")
            if params.get("overdue")
            else _("Compromiso que vence el %(due)s (%(region)s).")
        )
        return Text(title % values, (f"«{params.get('description', '')}»",))
    if event == Event.REMINDER:
        values = {**place, "deadline": _date(params["deadline"]) if params.get("deadline") else ""}
        days = params.get("days", 0)
        if days > 0:
            title = ngettext(
                "Falta %(days)s día para el plazo del %(deadline)s (ciclo %(year)s).",
                "Faltan %(days)s días para el plazo del %(deadline)s (ciclo %(year)s).",
                days,
            )
        elif days < 0:
            title = ngettext(
                "El plazo del %(deadline)s venció hace %(days)s día (ciclo %(year)s).",
                "El plazo del %(deadline)s venció hace %(days)s días (ciclo %(year)s).",
                -days,
            )
        else:
            title = _("Hoy vence el plazo del ciclo %(year)s.")
        return Text(title % {**values, "days": abs(days)}, _lines_in_language(params.get("lines", ())))
    return Text(str(Event(event).label))


def _lines_in_language(lines) -> tuple[str, ...]:
    """Return a reminder's lines in the active language: they are kept in every language of the site ({code:
    lines}; a list, from before, is in the one it was written in)."""
    if not isinstance(lines, dict):
        return tuple(lines)
    for language in (translation.get_language(), settings.LANGUAGE_CODE):
        if language in lines:
            return tuple(lines[language])
    return tuple(next(iter(lines.values()), ()))
