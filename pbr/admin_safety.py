"""No lost update through the admin: a change page refuses to save over a change made after it was opened.

Every admin of the project derives from `SafeHistoryAdmin`. The page carries the id of the object's latest
audit record (django-simple-history) as it was when the page was opened; saving compares it with the latest
one now, under a row lock, and refuses with a message when someone (the grid, a spreadsheet, another admin)
changed the object meanwhile. History pages only show: reverting from them would write old values around
the services' checks.
"""

from __future__ import annotations

from django import forms
from django.contrib.admin.utils import flatten_fieldsets
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from pbr.admin_lookup import HistoryLookupMixin

LOADED_FIELD = "loaded_history_id"


def latest_history_id(obj) -> int:
    """Return the id of the object's newest audit record (0 for an object without history yet)."""
    if obj is None or obj.pk is None:
        return 0
    return obj.history.order_by("-history_id").values_list("history_id", flat=True).first() or 0


class StaleAdminFormMixin(forms.ModelForm):
    """A model form that remembers which version of the object it showed and refuses to save over a newer one."""

    loaded_history_id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # A form whose service checks a finer version (a figure's own) turns this off to give that message.
    check_history = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[LOADED_FIELD].initial = latest_history_id(self.instance)

    def clean(self):
        data = super().clean()
        loaded = data.get(LOADED_FIELD)
        if not self.check_history or self.instance.pk is None or loaded is None:
            return data
        # Lock the row so that no other writer slips in between this check and the save.
        type(self.instance)._default_manager.select_for_update().filter(pk=self.instance.pk).exists()
        if latest_history_id(self.instance) != loaded:
            raise ValidationError(
                _(
                    "Otra persona modificó este registro después de que usted abrió la página. No se guardó "
                    "nada: recargue la página para ver los valores actuales y vuelva a hacer su cambio."
                ),
                code="stale",
            )
        return data


class SafeHistoryAdmin(HistoryLookupMixin, SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose change pages refuse stale saves and whose history pages never revert."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = kwargs.get("form", self.form)
        if not issubclass(base, StaleAdminFormMixin):
            kwargs["form"] = type(base.__name__, (StaleAdminFormMixin, base), {})
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if LOADED_FIELD in flatten_fieldsets(fieldsets):
            return fieldsets
        return [*fieldsets, (None, {"fields": [LOADED_FIELD], "classes": ["hidden"]})]

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied(_("El historial solo se consulta: los cambios se hacen en la página del registro."))
        return super().history_form_view(request, object_id, version_id, extra_context)
