"""Pages about regions: the home page that lists them."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from evaluation import selectors as cycle_selectors
from indicators import selectors as indicator_selectors
from regions import selectors as region_selectors


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The regions the user may see in a cycle (the current one, or «?ciclo=»), with how many indicators each
    committed; only the regions that existed in the cycle's year."""
    regions = region_selectors.regions_visible_to(request.user)
    cycle = cycle_selectors.cycle_from_query(request.GET.get("ciclo"), regions=regions)
    regions = list(regions.in_year(cycle.year) if cycle else regions)
    counts = indicator_selectors.indicator_counts_by_region(regions=regions, cycle=cycle)
    rows = [(region, counts.get(region.pk, 0)) for region in regions]
    return render(
        request,
        "results/home.html",
        {
            "rows": rows,
            "cycle": cycle,
            "cycles": cycle_selectors.cycles_all(),
            "role": region_selectors.user_role(request.user),
        },
    )
