"""Abstract models every app may build on (core holds no tables of its own)."""

from __future__ import annotations

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class Labelled(models.Model):
    """A configurable entry (a catalogue an admin maintains) named in both languages of the interface."""

    name = models.CharField(_("nombre"), max_length=200)
    name_en = models.CharField(_("nombre en inglés"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("orden"), default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """Return the name in the language of the page (the Spanish one when there is no English name)."""
        if self.name_en and (translation.get_language() or "").startswith("en"):
            return self.name_en
        return self.name
