"""The control page: one query of 50 rows from a real table, one small template."""

from django.db import connection
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

# Django's own table, present whatever the app's layout: its primary key serves the LIMIT like any page's.
QUERY = "SELECT id, name, codename FROM auth_permission ORDER BY id LIMIT 50"


def page(request: HttpRequest) -> HttpResponse:
    """Return the first 50 permissions as an HTML table."""
    with connection.cursor() as cursor:
        cursor.execute(QUERY)
        rows = cursor.fetchall()
    return render(request, "minimal.html", {"rows": rows})
