"""Forms of the evaluation pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

# A year in the address that the region has no cycle of (a link from elsewhere, or README's example on a
# database without it): said plainly, beside the lists of the cycles there are.
_NO_SUCH_CYCLE = {"invalid_choice": _("No hay un ciclo %(value)s para esta región: elija uno de la lista.")}


class CompareForm(forms.Form):
    a = forms.TypedChoiceField(label=_("Ciclo"), coerce=int, error_messages=_NO_SUCH_CYCLE)
    b = forms.TypedChoiceField(label=_("comparado con"), coerce=int, error_messages=_NO_SUCH_CYCLE)

    def __init__(self, *args, cycles: list, **kwargs):
        super().__init__(*args, **kwargs)
        years = [cycle.year for cycle in cycles]
        choices = [
            (
                cycle.year,
                _("%(year)s · ilustrativo") % {"year": cycle.year} if cycle.is_illustrative else str(cycle.year),
            )
            for cycle in cycles
        ]
        for name in ("a", "b"):
            self.fields[name].choices = choices
            self.fields[name].widget.attrs["class"] = "form-select"
        if len(years) >= 2:
            self.fields["a"].initial, self.fields["b"].initial = years[1], years[0]

    def clean(self):
        data = super().clean()
        if data.get("a") is not None and data.get("a") == data.get("b"):
            raise forms.ValidationError(_("Elija dos ciclos distintos."))
        return data
