"""Pages about regions: the home page that lists them."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from evaluation import selectors as cycle_selectors
from indicators import selectors as indicator_selectors
from regions import selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The regions the user may see, with how many indicators each committed in the current cycle."""
    regions = list(selectors.regions_visible_to(request.user))
    cycle = cycle_selectors.cycle_current()
    counts = indicator_selectors.indicator_counts_by_region(regions=regions, cycle=cycle)
    rows = [(region, counts.get(region.pk, 0)) for region in regions]
    return render(
        request,
        "regions/home.html",
        {"rows": rows, "cycle": cycle, "role": selectors.user_role(request.user)},
    )
