"""The form a person makes an API token with."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from regions.models import Region

DEFAULT_DAYS = 90


class TokenForm(forms.Form):
    name = forms.CharField(
        label=_("Nombre"), max_length=80, help_text=_("Para qué programa es, p. ej. «carga desde el sistema contable».")
    )
    can_write = forms.BooleanField(
        label=_("Puede registrar valores"),
        required=False,
        help_text=_("Sin marcar, el token solo lee. Marcado, registra lo que usted puede registrar."),
    )
    regions = forms.ModelMultipleChoiceField(
        label=_("Regiones"),
        queryset=Region.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Ninguna marcada: todas las suyas."),
    )
    expires_on = forms.DateField(
        label=_("Vence el"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("A lo más en un año."),
    )

    def __init__(self, *args, regions, **kwargs):
        kwargs.setdefault("initial", {"expires_on": timezone.localdate() + datetime.timedelta(days=DEFAULT_DAYS)})
        super().__init__(*args, **kwargs)
        self.fields["regions"].queryset = regions
