"""Every error of the API has one shape: {"detail": what happened, in the request's language, "code": a word a
program can test, and, for invalid input, "fields": each field's messages (for a list of figures, by position)}.
No detail names the code's insides (a model, a parser): Django's own 404 and 403 come here with the API's words."""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.views import exception_handler as drf_exception_handler

# Django's get_object_or_404 says «No <Model> matches the given query.»: a model's name, in English.
_GENERIC_NOT_FOUND = "matches the given query"
_DRF_JSON_ERROR = "JSON parse error"  # DRF's JSONParser, with Python's own message after it


def exception_handler(exc, context):
    exc = _in_the_apis_words(exc)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = response.data if isinstance(response.data, dict) else {"non_field_errors": response.data}
        response.data = {"detail": _("Hay datos con errores; no se hizo nada."), "code": "invalid", "fields": fields}
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        if not isinstance(response.data, dict):
            response.data = {"detail": str(exc.detail)}
        response.data.setdefault("code", codes if isinstance(codes, str) else exc.default_code)
    return response


def _in_the_apis_words(exc: Exception) -> Exception:
    """Return the API's exception for Django's Http404 and PermissionDenied (with their own words when they
    carry some, never a model's name), and for a body that is not JSON (where, not the parser's English)."""
    if isinstance(exc, Http404):
        detail = str(exc.args[0]) if exc.args else ""
        if not detail or _GENERIC_NOT_FOUND in detail:
            detail = _("No existe lo que pide, o no puede verlo.")
        return exceptions.NotFound(detail)
    if isinstance(exc, PermissionDenied):
        return exceptions.PermissionDenied(str(exc) or _("No puede hacer esto."))
    if isinstance(exc, exceptions.ParseError) and str(exc.detail).startswith(_DRF_JSON_ERROR):
        where = exc.__context__
        if isinstance(where, json.JSONDecodeError):
            return exceptions.ParseError(
                _("El cuerpo no es JSON válido (línea %(line)s, columna %(column)s).")
                % {"line": where.lineno, "column": where.colno}
            )
        return exceptions.ParseError(_("El cuerpo no es JSON válido."))
    return exc
