"""Project-level views."""

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache

from regions.models import Region


@never_cache
def health(request: HttpRequest) -> HttpResponse:
    """Say whether the app and its database answer: one small query, one small template (also the
    benchmark's control page). 503 when the database does not answer."""
    try:
        regions = Region.objects.count()
    except DatabaseError:
        return render(request, "health.html", {"ok": False}, status=503)
    return render(request, "health.html", {"ok": True, "regions": regions})
