"""Filters of the site's logs (settings.LOGGING).

A refused request (403) is an answer the site meant to give, not a fault: Django logs it at WARNING with the
whole traceback of its PermissionDenied. `ForbiddenOnOneLine` writes it on one line instead — method, path,
who asked and why they were refused — and leaves every other record (a 500 keeps its traceback) as it is.
"""

from __future__ import annotations

import logging


class ForbiddenOnOneLine(logging.Filter):
    """For the `django.request` logger: a 403 raised as PermissionDenied becomes one line, with no traceback."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if getattr(record, "status_code", None) != 403 or not record.exc_info or request is None:
            return True
        user = getattr(request, "user", None)
        user_id = user.pk if user is not None and user.is_authenticated else "-"
        record.msg = "Forbidden: %s %s user=%s reason=%s"
        record.args = (request.method, request.get_full_path(), user_id, str(record.exc_info[1]) or "-")
        record.exc_info = None
        record.exc_text = None
        return True
