"""The PROPIR as a table for spreadsheets (core.exports): the columns of the spreadsheet to import. Pure."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.exports import Table
from investments.vocabulary import InitiativeState


def initiatives_table(initiatives) -> Table:
    """Return the initiatives with their MIDEPLAN result (its code) and state, and DIPRES's flag."""
    return Table(
        "propir",
        _("PROPIR"),
        [
            _("Código BIP"),
            _("Nombre"),
            _("Sector"),
            _("Comuna"),
            _("Programado M$"),
            _("Ejecutado M$"),
            _("Resultado MIDEPLAN"),
            _("Estado"),
            _("Financiada sin RS"),
        ],
        [
            [
                item.bip_code,
                item.name,
                item.sector,
                item.comuna,
                item.programmed,
                item.executed,
                item.result.code if item.result else "",
                str(InitiativeState(item.state).label),
                item.funded_without_recommendation,
            ]
            for item in initiatives
        ],
    )
