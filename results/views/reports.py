"""A region's report in the shape of the DIPRES annex: printable page and PDF."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string

from core import pdf
from evaluation import selectors
from regions.selectors import region_get_for_user
from results.selectors import report


def _report_context(request: HttpRequest, code: str, year: int) -> dict:
    region = region_get_for_user(user=request.user, iso_code=code)
    cycle = selectors.cycle_get(year=year, region=region)
    return {"region": region, "cycle": cycle, **report.region_report(region=region, cycle=cycle)}


@login_required
def region_report(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The region's report in the shape of the DIPRES annex, printable (print CSS)."""
    return render(request, "results/report.html", {**_report_context(request, code, year), "screen": True})


@login_required
def region_report_pdf(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The same report as a PDF (WeasyPrint)."""
    context = _report_context(request, code, year)
    html = render_to_string("results/report.html", {**context, "screen": False}, request)
    response = HttpResponse(pdf.html_to_pdf(html), content_type="application/pdf")
    region, cycle = context["region"], context["cycle"]
    response["Content-Disposition"] = f'attachment; filename="informe-{region.iso_code}-{cycle.year}.pdf"'
    return response
