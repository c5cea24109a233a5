"""The person's notification preferences: for each event, how its mail comes; and the mails' language."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from notifications.vocabulary import Delivery, Event


class PreferencesForm(forms.Form):
    language = forms.ChoiceField(label=_("Idioma de los correos"), choices=settings.LANGUAGES)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for event in Event:
            self.fields[event.value] = forms.ChoiceField(
                label=event.label, choices=Delivery.choices, widget=forms.RadioSelect
            )

    def deliveries(self) -> dict[str, str]:
        return {event.value: self.cleaned_data[event.value] for event in Event}
