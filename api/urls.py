"""/api/v1/: the REST API, its OpenAPI schema and its documentation page (served from static files)."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from api import views

app_name = "api"

router = DefaultRouter()
router.register("regions", views.RegionViewSet, basename="region")
router.register("cycles", views.CycleViewSet, basename="cycle")
router.register("definitions", views.DefinitionViewSet, basename="definition")
router.register("products", views.ProductViewSet, basename="product")
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("figures", views.FigureViewSet, basename="figure")
router.register("results", views.ResultViewSet, basename="result")
router.register("analyses", views.AnalysisViewSet, basename="analysis")
router.register("commitments", views.CommitmentViewSet, basename="commitment")
router.register("evaluations", views.EvaluationViewSet, basename="evaluation")
router.register("initiatives", views.InitiativeViewSet, basename="initiative")

urlpatterns = [
    path("v1/schema/", SpectacularAPIView.as_view(api_version="v1"), name="schema"),
    path("v1/docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("v1/", include(router.urls)),
    # Anything else under /api/ is answered as the API answers, in JSON, never with the pages' HTML.
    re_path(r"^[\s\S]*$", views.not_found, name="not_found"),  # any character, a line break too
]
