"""The PROPIR's forms: one initiative (add, correct, remove) and a spreadsheet to preview."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.forms import LimitedUploadForm, LocalDecimalField
from investments.models import MideplanResult
from investments.services import InitiativeInput
from investments.vocabulary import InitiativeState


class ResultChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.code} · {obj.label}"


class InitiativeForm(forms.Form):
    bip_code = forms.CharField(label=_("Código BIP"), max_length=12, help_text=_("Por ejemplo 30012345-6."))
    name = forms.CharField(label=_("Nombre"), max_length=300)
    sector = forms.CharField(label=_("Sector"), max_length=100)
    comuna = forms.CharField(label=_("Comuna"), max_length=100)
    programmed = LocalDecimalField(label=_("Programado M$"), decimals=0, required=True)
    executed = LocalDecimalField(label=_("Ejecutado M$"), decimals=0)
    result = ResultChoiceField(label=_("Resultado MIDEPLAN"), required=False, queryset=MideplanResult.objects.all())
    state = forms.ChoiceField(label=_("Estado"), choices=InitiativeState.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, initial=0)

    def __init__(self, *args, editing: bool = False, **kwargs):
        kwargs.setdefault("auto_id", "initiative-%s")
        super().__init__(*args, **kwargs)
        if editing:  # the BIP code names the initiative: corrected by removing it and adding it again
            self.fields["bip_code"].disabled = True

    @classmethod
    def initial_of(cls, initiative) -> dict:
        return {
            "bip_code": initiative.bip_code,
            "name": initiative.name,
            "sector": initiative.sector,
            "comuna": initiative.comuna,
            "programmed": initiative.programmed,
            "executed": initiative.executed,
            "result": initiative.result_id,
            "state": initiative.state,
            "version": initiative.version,
        }

    def initiative_input(self, *, remove: bool = False) -> InitiativeInput:
        data = self.cleaned_data
        return InitiativeInput(
            bip_code=data["bip_code"],
            name=data["name"],
            sector=data["sector"],
            comuna=data["comuna"],
            programmed=data["programmed"],
            executed=data["executed"],
            result=data["result"],
            state=data["state"],
            version=data["version"],
            remove=remove,
        )

    def add_row_errors(self, errors: dict[str, list[str]]) -> None:
        for name, messages in errors.items():
            self.add_error(name if name in self.fields else None, messages)


class PropirSpreadsheetForm(LimitedUploadForm):
    too_large_message = _("La planilla supera el máximo de %(limit)s MB; no se leyó.")
    file = forms.FileField(
        label=_("Planilla del PROPIR (.xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )
