"""No lost update through the admin: a change page refuses to save over a change made after it was opened.

Every admin of the project derives from `SafeAdmin` (or `SafeHistoryAdmin`, with django-simple-history). The
page carries a fingerprint of what it showed: the object's stored values, its many-to-many links and the
rows of every inline under it. Saving recomputes the fingerprint, under a row lock, and refuses with a
message when anyone (the grid, a spreadsheet, another admin) changed any of them meanwhile — an inline's
weight as much as the object's own notes. History pages only show: reverting from them would write old
values around the services' checks.

Deleting a row asks, besides Django's own checks, the admin of every row the deletion would take with it
(`cascade_refusals`): a region's or an indicator's figures are removed only through their own service, so a
delete that would cascade to them is refused, with the reason, on the confirmation page and in bulk. The
admins also show decimal columns as the site writes numbers (`core.numbers`), and their messages after a save
name the record without an article («Región “Biobío”: se guardaron los cambios.»), which Django's
«El {name} …» gets wrong for every feminine name.
"""

from __future__ import annotations

import hashlib

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import NestedObjects, flatten_fieldsets, quote
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.db import models, router
from django.forms.models import _get_foreign_key
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin_lookup import HistoryLookupMixin
from core.numbers import format_number

LOADED_FIELD = "loaded_fingerprint"


def _row(obj) -> list[str]:
    values = [f"{field.attname}={field.value_from_object(obj)!s}" for field in obj._meta.concrete_fields]
    for field in obj._meta.many_to_many:
        ids = sorted(getattr(obj, field.name).values_list("pk", flat=True))
        values.append(f"{field.name}={ids}")
    return values


def fingerprint(obj, inline_models: list[tuple[type, str]]) -> str:
    """Return a digest of the object's stored values, links and inline rows ('' for an unsaved object)."""
    if obj is None or obj.pk is None:
        return ""
    stored = type(obj)._default_manager.filter(pk=obj.pk).first()
    if stored is None:
        return "deleted"
    parts = _row(stored)
    for model, fk_name in inline_models:
        for row in model._default_manager.filter(**{fk_name: obj.pk}).order_by("pk"):
            parts += [model._meta.label, *_row(row)]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


class StaleAdminFormMixin(forms.ModelForm):
    """A model form that remembers what the page showed and refuses to save over a newer state."""

    loaded_fingerprint = forms.CharField(widget=forms.HiddenInput, required=False)
    # A form whose service checks a finer version (a figure's own) turns this off to give that message.
    check_history = True
    # Set by the admin: the (model, foreign key) of the inlines shown under the object.
    inline_models: list[tuple[type, str]] = []

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:  # a posted form carries the fingerprint of the page it came from
            self.fields[LOADED_FIELD].initial = fingerprint(self.instance, self.inline_models)

    def clean(self):
        data = super().clean()
        loaded = data.get(LOADED_FIELD)
        if not self.check_history or self.instance.pk is None or loaded is None:
            return data
        # Lock the row so that no other writer slips in between this check and the save.
        type(self.instance)._default_manager.select_for_update().filter(pk=self.instance.pk).exists()
        if fingerprint(self.instance, self.inline_models) != loaded:
            raise ValidationError(
                _(
                    "Otra persona modificó este registro después de que usted abrió la página. No se guardó "
                    "nada: recargue la página para ver los valores actuales y vuelva a hacer su cambio."
                ),
                code="stale",
            )
        return data


def _number_column(field: models.DecimalField):
    """Return a list column showing the field as `core.numbers` writes it (1.078, not 1078,0000)."""

    def column(obj) -> str:
        return format_number(getattr(obj, field.attname))

    column.__name__ = field.name
    column.short_description = field.verbose_name
    column.admin_order_field = field.name
    return column


_SAVED_MESSAGE = "_pbr_saved_message"


class SafeAdminMixin:
    """Makes a ModelAdmin's change page refuse stale saves, and its deletes ask the admins of what they would
    take with them (see the module's docstring)."""

    def cascade_refusals(self, request, objs: list) -> list[str]:
        """Return why these rows of this admin's model may not be deleted along with another row (none: they
        may). An admin whose rows are removed only through their service says so here."""
        return []

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        collector = NestedObjects(using=router.db_for_write(self.model))
        collector.collect(objs)
        for model, rows in collector.data.items():
            other = self.admin_site._registry.get(model)
            if model is not self.model and isinstance(other, SafeAdminMixin):
                protected = [*protected, *other.cascade_refusals(request, list(rows))]
        return deleted, counts, perms_needed, protected

    def get_list_display(self, request):
        keep = {*(self.list_editable or ()), *(self.list_display_links or ())}
        columns = []
        for name in super().get_list_display(request):
            try:
                field = self.model._meta.get_field(name) if isinstance(name, str) else None
            except FieldDoesNotExist:
                field = None
            number = isinstance(field, models.DecimalField) and name not in keep
            columns.append(_number_column(field) if number else name)
        return columns

    def _remember_message(self, request, shown, text: str) -> None:
        """Keep the message Django is about to give for a save or a delete, in words that need no article."""
        message = format_html(text, name=capfirst(self.opts.verbose_name), obj=shown)
        if "_continue" in request.POST:
            message = format_html("{} {}", message, _("Puede seguir con los cambios abajo."))
        elif "_addanother" in request.POST:
            message = format_html("{} {}", message, _("Puede agregar otro registro abajo."))
        setattr(request, _SAVED_MESSAGE, message)

    def response_add(self, request, obj, post_url_continue=None):
        shown = str(obj)
        if self.has_change_permission(request, obj):
            url = reverse(
                f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
                args=[quote(obj.pk)],
                current_app=self.admin_site.name,
            )
            shown = format_html('<a href="{}">{}</a>', url, obj)
        self._remember_message(request, shown, _("{name} “{obj}”: se agregó."))
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request, obj):
        self._remember_message(
            request,
            format_html('<a href="{}">{}</a>', request.path, obj),
            _("{name} “{obj}”: se guardaron los cambios."),
        )
        return super().response_change(request, obj)

    def response_delete(self, request, obj_display, obj_id):
        self._remember_message(request, obj_display, _("{name} “{obj}”: se eliminó."))
        return super().response_delete(request, obj_display, obj_id)

    def message_user(self, request, message, level=messages.INFO, extra_tags="", fail_silently=False):
        own = request.__dict__.pop(_SAVED_MESSAGE, None)
        if own is not None and level == messages.SUCCESS:
            message = own
        super().message_user(request, message, level, extra_tags, fail_silently)

    def _inline_models(self, request) -> list[tuple[type, str]]:
        """Return the inlines the page can write; read-only ones (figures) cannot revert anything."""
        inlines = []
        for inline_class in self.inlines:
            inline = inline_class(self.model, self.admin_site)
            writable = (
                inline.has_change_permission(request)
                or inline.has_add_permission(request, None)
                or inline.has_delete_permission(request)
            )
            if writable:
                fk = _get_foreign_key(self.model, inline.model, fk_name=inline.fk_name)
                inlines.append((inline.model, fk.name))
        return inlines

    def get_form(self, request, obj=None, change=False, **kwargs):
        base = kwargs.get("form", self.form)
        attrs = {"inline_models": self._inline_models(request)}
        bases = (base,) if issubclass(base, StaleAdminFormMixin) else (StaleAdminFormMixin, base)
        kwargs["form"] = type(base.__name__, bases, attrs)
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if LOADED_FIELD in flatten_fieldsets(fieldsets):
            return fieldsets
        return [*fieldsets, (None, {"fields": [LOADED_FIELD], "classes": ["hidden"]})]


class SafeAdmin(SafeAdminMixin, admin.ModelAdmin):
    """A ModelAdmin whose change pages refuse stale saves."""


class SafeHistoryAdmin(SafeAdminMixin, HistoryLookupMixin, SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose change pages refuse stale saves and whose history pages never revert."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST":
            raise PermissionDenied(_("El historial solo se consulta: los cambios se hacen en la página del registro."))
        return super().history_form_view(request, object_id, version_id, extra_context)


class ReadOnlyHistoryAdmin(SafeHistoryAdmin):
    """An admin that only shows rows and their history: they are written through their pages' services
    (permission, lock, version, history), never here."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ReadOnlyAdmin(SafeAdmin):
    """An admin that only shows rows without history of their own (a thread's messages, notifications)."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
