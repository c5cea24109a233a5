"""The person's notification preferences: for each event, how its mail comes; and the mails' language."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notifications.vocabulary import Delivery, Event

SAME_AS_PAGES = ""


class PreferencesForm(forms.Form):
    # "": the mails follow the language the person chose for the pages (the switcher), whichever it is then.
    language = forms.ChoiceField(label=gettext_lazy("Idioma de los correos"), required=False)

    def __init__(self, *args, interface_language: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        names = dict(settings.LANGUAGES)
        pages = names[interface_language or settings.LANGUAGE_CODE]
        self.fields["language"].choices = [
            (SAME_AS_PAGES, _("El mismo de la interfaz (hoy: %(language)s)") % {"language": pages}),
            *settings.LANGUAGES,
        ]
        for event in Event:
            self.fields[event.value] = forms.ChoiceField(
                label=event.label, choices=Delivery.choices, widget=forms.RadioSelect
            )

    def deliveries(self) -> dict[str, str]:
        return {event.value: self.cleaned_data[event.value] for event in Event}
