"""Admin history pages that answer «not found» for a mistyped address.

django-simple-history's history pages look the id of the URL up as it comes: an id that cannot be one
(`/admin/indicators/indicator/CO-01/history/`, a code typed for the number) raised ValueError, a 500.
Django's own change pages read the id through the primary key field first; these do the same.
"""

from __future__ import annotations

from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.http import Http404


def _valid_id(field, value: str) -> None:
    """Raise Http404 unless the value from the URL can be a value of the field (a primary key)."""
    try:
        field.to_python(unquote(value))
    except (ValidationError, ValueError, TypeError):
        raise Http404 from None


class HistoryLookupMixin:
    """For a SimpleHistoryAdmin: its history list and history record pages give 404 for impossible ids."""

    def history_view(self, request, object_id, extra_context=None):
        _valid_id(self.model._meta.pk, object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        _valid_id(self.model._meta.pk, object_id)
        history = getattr(self.model, self.model._meta.simple_history_manager_attribute)
        _valid_id(history.model._meta.pk, version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)
