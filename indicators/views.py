"""Pages about a region's indicators."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from evaluation import selectors as cycle_selectors
from indicators import selectors
from regions.selectors import region_get_for_user


@login_required
def region_current(request: HttpRequest, code: str) -> HttpResponse:
    """Redirect to the region's page for the current cycle."""
    region = region_get_for_user(user=request.user, iso_code=code)
    cycle = cycle_selectors.cycle_current()
    if cycle is None:
        raise Http404(_("Aún no hay ciclos de evaluación."))
    return redirect("indicators:region", code=region.iso_code, year=cycle.year)


@login_required
def region_indicators(request: HttpRequest, code: str, year: int) -> HttpResponse:
    """The region's Formulario H for one cycle: figures by product, and the product × ámbito table."""
    region = region_get_for_user(user=request.user, iso_code=code)
    cycle = cycle_selectors.cycle_get(year=year)
    board = selectors.region_board(region=region, cycle=cycle)
    cycles = cycle_selectors.cycles_all()
    return render(request, "indicators/region.html", {"board": board, "cycles": cycles})
