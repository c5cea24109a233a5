"""The REST API, version 1 (/api/v1/): reads of regions, cycles, definitions, products, indicators, figures,
results, analyses, commitments, evaluations and investment initiatives; writes of figures through the very
services the pages use (indicators.services.measurements_save: permission, lock, window, version, history).

Who reads what: api.selectors (anyone reads published results; the rest per the person's regions). Who writes
what: the services, through regions.selectors (a token narrows its person: Scope)."""

from __future__ import annotations

from collections.abc import Callable

import django_filters
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action, api_view, authentication_classes, permission_classes
from rest_framework.exceptions import NotFound, ParseError
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from api import csv_figures, cycle_export, selectors, serializers
from api.parsers import CSVTextParser
from api.renderers import XMLBytesRenderer
from core import converters
from evaluation.models import EvaluationCycle, SubmissionStatus
from evaluation.selectors import cycle_current
from indicators import services as indicator_services
from indicators.models import Indicator, Measurement, StrategicObjective
from indicators.services.guards import DataLockedError
from indicators.vocabulary import MeasurementKind
from regions.models import Region
from results.selectors.outcomes import cycle_results

WRITE_ANSWERS = {
    400: serializers.ProblemSerializer,
    403: serializers.ProblemSerializer,
    404: serializers.ProblemSerializer,
    409: serializers.StaleProblemSerializer,
}


class _Found:
    """A row read by its address: an id bounded where the URL is parsed (core.converters), and a 404 that says
    what was not found in the domain's words (`missing`, formatted with the address's parts), never a model."""

    lookup_value_regex = converters.ID
    missing = gettext_lazy("No existe ese registro, o no puede verlo.")

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            raise NotFound(str(self.missing) % self.kwargs) from None


class _Readable(_Found):
    """What every view of the API reads through: the rows the person (or program, or anyone) may read."""

    def readable(self) -> selectors.Readable:
        request = self.request
        if not hasattr(request, "_pbr_readable"):
            request._pbr_readable = selectors.readable(request.user)
        return request._pbr_readable

    def get_serializer_context(self):
        # Lazy: the schema and the error pages build a context too, and need no scope of reading.
        return {**super().get_serializer_context(), "readable": SimpleLazyObject(self.readable)}


class _ReadableRows(_Readable, viewsets.ReadOnlyModelViewSet):
    """A read-only list of what the caller may read: `rows(readable)` (a selector), its `prefetch`, in `ordering`.
    The class's `queryset` is for the schema only."""

    rows: Callable[[selectors.Readable], QuerySet]
    prefetch: tuple = ()
    ordering: tuple[str, ...] = ()

    def get_queryset(self):
        return type(self).rows(self.readable()).prefetch_related(*self.prefetch).order_by(*self.ordering)


def _region_filter(field: str):
    def apply(queryset, name, value):
        return queryset.filter(**{f"{field}__iexact": value.strip()})

    return django_filters.CharFilter(method=apply, help_text=_("Código ISO de la región, p. ej. CL-CO."))


class RegionViewSet(_Found, viewsets.ReadOnlyModelViewSet):
    """The regions of Chile (ISO 3166-2:CL), in geographic order. Public."""

    queryset = Region.objects.order_by("order")
    serializer_class = serializers.RegionSerializer
    lookup_field = "iso_code"
    lookup_url_kwarg = "code"
    lookup_value_regex = converters.REGION
    missing = gettext_lazy("No existe una región con el código %(code)s.")
    filterset_fields = []


class CycleViewSet(_Readable, viewsets.ReadOnlyModelViewSet):
    """The evaluation cycles: stage, window and rules (thresholds, weighting, bonus tiers). Public."""

    queryset = EvaluationCycle.objects.order_by("-year")
    serializer_class = serializers.CycleSerializer
    lookup_field = "year"
    lookup_value_regex = converters.YEAR
    missing = gettext_lazy("No existe el ciclo %(year)s.")
    filterset_fields = ["stage"]

    @extend_schema(
        responses={200: OpenApiTypes.OBJECT, 404: serializers.ProblemSerializer},
        description=_(
            "El ciclo completo en un documento (formato pbr-cycle v1, con su JSON Schema en "
            "/api/v1/cycles/export.schema.json): reglas, y por región sus definiciones, resultado e indicadores con "
            "sus valores, resultado y análisis; lo que quien pregunta puede leer."
        ),
    )
    @action(detail=True, methods=["get"], url_path="export", filter_backends=[], pagination_class=None)
    def export(self, request, year=None, **kwargs):  # kwargs: an address's format suffix (.json), the renderer's
        document = cycle_export.build(readable=self.readable(), cycle=_cycle(year))
        response = Response(document)
        response["Content-Disposition"] = f'inline; filename="pbr-ciclo-{year}.json"'
        return response

    @extend_schema(
        responses={
            (200, "application/xml"): OpenApiTypes.STR,
            (404, "application/xml"): OpenApiTypes.STR,  # no such cycle, or no result the caller reads in it
            (404, "application/json"): serializers.ProblemSerializer,  # no such address
        },
        description=_(
            "Los resultados del ciclo como archivo IATI 2.03, válido según su XML Schema: una actividad por "
            "gobierno regional, un resultado por indicador con su línea base, meta y efectivo. 404 si quien "
            "pregunta no lee resultados del ciclo (un archivo IATI lleva al menos una actividad)."
        ),
    )
    @action(
        detail=True,
        methods=["get"],
        url_path="iati",
        filter_backends=[],
        pagination_class=None,
        renderer_classes=[XMLBytesRenderer],
    )
    def iati(self, request, year=None, **kwargs):
        document = cycle_export.build(readable=self.readable(), cycle=_cycle(year))
        if not document["regions"]:
            raise NotFound(
                _(
                    "El ciclo %(year)s no tiene aún resultados que usted pueda leer "
                    "(un archivo IATI lleva al menos una actividad)."
                )
                % {"year": year}
            )
        response = Response(cycle_export.iati(document), content_type="application/xml")
        response["Content-Disposition"] = f'inline; filename="pbr-ciclo-{year}-iati.xml"'
        return response

    @extend_schema(responses={200: OpenApiTypes.OBJECT}, description=_("El JSON Schema del documento de un ciclo."))
    @action(detail=False, methods=["get"], url_path="export.schema.json", filter_backends=[], pagination_class=None)
    def export_schema(self, request, **kwargs):
        return Response(cycle_export.schema())


def _cycle(year) -> EvaluationCycle:
    cycle = EvaluationCycle.objects.filter(year=int(year)).first()
    if cycle is None:
        raise NotFound(_("No existe el ciclo %(year)s.") % {"year": year})
    return cycle


class IndicatorFilter(django_filters.FilterSet):
    region = _region_filter("region__iso_code")
    cycle = django_filters.NumberFilter(
        field_name="weightings__cycle__year", help_text=_("Año del ciclo en que el indicador se compromete.")
    )
    code = django_filters.CharFilter(field_name="code", lookup_expr="iexact")

    class Meta:
        model = Indicator
        fields = ["region", "cycle", "code", "dimension", "is_active"]


class IndicatorViewSet(_ReadableRows):
    """Performance indicators with every Formulario H field (the responsible person is not published)."""

    queryset = Indicator.objects.none()
    serializer_class = serializers.IndicatorSerializer
    missing = gettext_lazy("No existe ese indicador, o no puede verlo.")
    filterset_class = IndicatorFilter
    rows = staticmethod(selectors.indicators)
    prefetch = ("axes",)
    ordering = ("region__order", "product__number", "code")


class ProductFilter(django_filters.FilterSet):
    region = _region_filter("region__iso_code")

    class Meta:
        model = serializers.StrategicProduct
        fields = ["region"]


class ProductViewSet(_ReadableRows):
    """Productos estratégicos (bienes y servicios) of each GORE; number 0 groups the institutional indicators."""

    queryset = serializers.StrategicProduct.objects.none()
    serializer_class = serializers.ProductSerializer
    missing = gettext_lazy("No existe ese producto estratégico, o no puede verlo.")
    filterset_class = ProductFilter
    rows = staticmethod(selectors.products)
    ordering = ("region__order", "number")


class DefinitionFilter(django_filters.FilterSet):
    region = _region_filter("region__iso_code")
    cycle = django_filters.NumberFilter(field_name="cycle__year")

    class Meta:
        model = serializers.StrategicDefinition
        fields = ["region", "cycle"]


class DefinitionViewSet(_ReadableRows):
    """Definiciones estratégicas per region and cycle: the misión and the objectives with the axes they serve."""

    queryset = serializers.StrategicDefinition.objects.none()
    serializer_class = serializers.DefinitionSerializer
    missing = gettext_lazy("No existe esa definición estratégica, o no puede verla.")
    filterset_class = DefinitionFilter
    rows = staticmethod(selectors.definitions)
    prefetch = (
        Prefetch("objectives", queryset=StrategicObjective.objects.prefetch_related("axes").order_by("number")),
    )
    ordering = ("region__order", "-cycle__year")


class FigureFilter(django_filters.FilterSet):
    region = _region_filter("indicator__region__iso_code")
    indicator = django_filters.CharFilter(field_name="indicator__code", lookup_expr="iexact")
    year = django_filters.NumberFilter(field_name="year")
    kind = django_filters.ChoiceFilter(choices=MeasurementKind.choices)
    cycle = django_filters.NumberFilter(
        method="in_cycle",
        help_text=_("Año del ciclo: los valores de su ventana de los indicadores comprometidos en él."),
    )

    class Meta:
        model = Measurement
        fields = ["region", "indicator", "year", "kind", "cycle"]

    def in_cycle(self, queryset, name, value):
        cycle = EvaluationCycle.objects.filter(year=value).first()
        if cycle is None:
            return queryset.none()
        return queryset.filter(indicator__weightings__cycle=cycle, year__gte=cycle.first_year, year__lte=cycle.year)


@extend_schema_view(
    create=extend_schema(
        request=serializers.FigureBatchSerializer,
        responses={
            200: serializers.FigureBatchResultSerializer,
            400: serializers.ProblemSerializer,
            403: serializers.ProblemSerializer,
            404: serializers.ProblemSerializer,
            409: serializers.ProblemSerializer,
        },
        description=_(
            "Registra valores (efectivo, estimado, meta) de indicadores de una región en un ciclo, todos o "
            "ninguno: con los mismos permisos, bloqueos, ventanas, validaciones e historial que el ingreso en "
            "pantalla. Cada valor lleva la versión que se leyó (0 si no había): si otra persona lo cambió "
            "después, nada se guarda y la respuesta 409 trae lo registrado."
        ),
    )
)
class FigureViewSet(_Readable, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Yearly figures of indicators (numerator and denominator), with the version a write must quote."""

    queryset = Measurement.objects.none()  # for the schema; rows come from get_queryset
    serializer_class = serializers.FigureSerializer
    missing = gettext_lazy("No existe ese valor, o no puede verlo.")
    filterset_class = FigureFilter

    def get_queryset(self):
        return selectors.figures(self.readable()).order_by(
            "indicator__region__order", "indicator__code", "year", "kind"
        )

    def get_serializer_class(self):
        return serializers.FigureBatchSerializer if self.action == "create" else serializers.FigureSerializer

    def create(self, request, *args, **kwargs):
        batch = serializers.FigureBatchSerializer(data=request.data)
        batch.is_valid(raise_exception=True)
        data = batch.validated_data
        return self._save(request, data["region"], data["cycle"], data["figures"], data["reason"], dry_run=False)

    @extend_schema(
        request={"text/csv": OpenApiTypes.STR},
        parameters=[
            OpenApiParameter("region", OpenApiTypes.STR, required=True, description=_("Código ISO de la región.")),
            OpenApiParameter("cycle", OpenApiTypes.INT, required=True, description=_("Año del ciclo.")),
            OpenApiParameter(
                "dry_run", OpenApiTypes.BOOL, description=_("Por omisión sí: muestra lo que cambiaría, sin guardar.")
            ),
        ],
        responses={200: serializers.FigureImportResultSerializer, **WRITE_ANSWERS},
        description=_(
            "Importa valores desde un CSV (columnas indicator, year, kind, numerator, denominator, version; «,» "
            "y punto decimal, o «;» y coma decimal). Por omisión es una prueba (dry_run): recorre las mismas "
            "validaciones, permisos, bloqueos y versiones que al guardar, muestra cada cambio (antes → después) "
            "y no guarda nada; con dry_run=false guarda todo o nada."
        ),
    )
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[CSVTextParser])
    def import_csv(self, request, **kwargs):
        region, cycle = request.query_params.get("region", ""), request.query_params.get("cycle", "")
        if not cycle.isdigit():
            raise ParseError(_("Indique la región y el ciclo: ?region=CL-CO&cycle=2012."))
        dry_run = request.query_params.get("dry_run", "true").lower() not in ("false", "0", "no")
        rows, problems = csv_figures.read(request.data)
        if problems:
            return _problem(
                status.HTTP_400_BAD_REQUEST, _("El CSV tiene errores; no se guardó nada."), "invalid", errors=problems
            )
        reason = _("API, CSV: %(token)s") % {"token": getattr(request.auth, "name", _("sesión"))}
        return self._save(request, region, int(cycle), rows, reason, dry_run=dry_run)

    def _save(self, request, code: str, year: int, items: list[dict], reason: str, *, dry_run: bool) -> Response:
        """Save (or try, for a dry run) the figures through the entry grid's service; answer what it did or why
        it refused, naming each figure by its position in the request (and its CSV line, when it came in one)."""
        region = Region.objects.filter(iso_code=code.upper()).first()
        cycle = EvaluationCycle.objects.filter(year=year).first()
        if region is None or cycle is None:
            return _problem(status.HTTP_404_NOT_FOUND, _("No existe esa región o ese ciclo."), "not_found")
        codes = {item["indicator"].upper() for item in items}
        by_code = {i.code.upper(): i for i in Indicator.objects.filter(region=region) if i.code.upper() in codes}
        unknown = [
            _cell_problem(index, item, {"indicator": [_("La región no tiene un indicador con ese código.")]})
            for index, item in enumerate(items)
            if item["indicator"].upper() not in by_code
        ]
        if unknown:
            return _problem(
                status.HTTP_400_BAD_REQUEST, _("Hay valores con errores; no se guardó nada."), "invalid", errors=unknown
            )
        cells = [
            indicator_services.CellInput(
                indicator=by_code[item["indicator"].upper()],
                year=item["year"],
                kind=item["kind"],
                numerator=item["numerator"],
                denominator=item["denominator"],
                version=item["version"],
            )
            for item in items
        ]
        index_of = {cell.key: index for index, cell in enumerate(cells)}
        before = {
            (m.indicator_id, m.year, m.kind): m
            for m in Measurement.objects.filter(
                indicator_id__in={cell.indicator.pk for cell in cells}, year__in={c.year for c in cells}
            )
        }
        reason = reason.strip() or _("API: %(token)s") % {"token": getattr(request.auth, "name", _("sesión"))}
        try:
            if dry_run:
                saved = indicator_services.measurements_try(user=request.user, region=region, cycle=cycle, cells=cells)
            else:
                saved = indicator_services.measurements_save(
                    user=request.user, region=region, cycle=cycle, cells=cells, reason=reason
                )
        except PermissionDenied as error:
            return _problem(status.HTTP_403_FORBIDDEN, str(error) or _("No puede modificar esos datos."), "forbidden")
        except indicator_services.StaleDataError as error:
            conflicts = [
                {
                    **_cell_problem(index_of[conflict.cell.key], items[index_of[conflict.cell.key]], {}),
                    "current": None if conflict.current is None else self._figure(conflict.current),
                }
                for conflict in error.conflicts
            ]
            for conflict in conflicts:
                del conflict["errors"]
            return _problem(
                status.HTTP_409_CONFLICT,
                _("Otra persona cambió algunos valores después de que se leyeron; no se guardó nada."),
                "stale",
                conflicts=conflicts,
            )
        except indicator_services.CellErrors as error:
            errors = [
                _cell_problem(index_of[key], items[index_of[key]], messages)
                for key, messages in sorted(error.by_cell.items(), key=lambda item: index_of[item[0]])
            ]
            return _problem(
                status.HTTP_400_BAD_REQUEST, _("Hay valores con errores; no se guardó nada."), "invalid", errors=errors
            )
        except DataLockedError as error:
            return _problem(status.HTTP_409_CONFLICT, " ".join(error.messages), "locked")
        except ValidationError as error:
            return _problem(status.HTTP_400_BAD_REQUEST, " ".join(error.messages), "invalid")
        if request.path.endswith("/import/"):
            changes = [
                {
                    **_cell_problem(index, items[index], {}),
                    "old": _pair(before.get(cell.key)),
                    "new": {"numerator": _plain(cell.numerator), "denominator": _plain(cell.denominator)},
                }
                for index, cell in enumerate(cells)
                if _changes(before.get(cell.key), cell)
            ]
            for change in changes:
                del change["errors"]
            return Response(
                {"dry_run": dry_run, "saved": 0 if dry_run else saved, "would_save": saved, "changes": changes}
            )
        keys = {(cell.indicator.pk, cell.year, cell.kind) for cell in cells}
        stored = (
            Measurement.objects.filter(
                indicator_id__in={cell.indicator.pk for cell in cells}, year__in={c.year for c in cells}
            )
            .select_related("indicator__region")
            .order_by("indicator__code", "year", "kind")
        )
        figures = [self._figure(m) for m in stored if (m.indicator_id, m.year, m.kind) in keys]
        return Response({"saved": saved, "figures": figures})

    def _figure(self, measurement: Measurement) -> dict:
        return serializers.FigureSerializer(measurement, context=self.get_serializer_context()).data


def _cell_problem(index: int, item: dict, errors: dict) -> dict:
    problem = {"index": index, "indicator": item["indicator"], "year": item["year"], "kind": item["kind"]}
    if "line" in item:
        problem["line"] = item["line"]  # the CSV's line, counting its header as 1
    return {**problem, "errors": errors}


def _plain(value) -> str | None:
    return None if value is None else format(value, "f")


def _pair(measurement: Measurement | None) -> dict | None:
    if measurement is None:
        return None
    return {
        "numerator": _plain(measurement.numerator),
        "denominator": _plain(measurement.denominator),
        "version": measurement.version,
    }


def _changes(current: Measurement | None, cell) -> bool:
    """Return whether saving the cell changes what is stored (what measurements_save itself skips)."""
    if current is None:
        return (cell.numerator, cell.denominator) != (None, None)
    return (current.numerator, current.denominator) != (cell.numerator, cell.denominator)


def _problem(code: int, detail: str, kind: str, **extra) -> Response:
    return Response({"detail": detail, "code": kind, **extra}, status=code)


class AnalysisFilter(django_filters.FilterSet):
    region = _region_filter("indicator__region__iso_code")
    cycle = django_filters.NumberFilter(field_name="cycle__year")
    indicator = django_filters.CharFilter(field_name="indicator__code", lookup_expr="iexact")

    class Meta:
        model = serializers.ResultAnalysis
        fields = ["region", "cycle", "indicator"]


def _served(call, current: Callable[[object], dict]) -> Response | object:
    """Run a service call; return its result, or the API's answer to what the service refused: 403 (not the
    person's, or the token's), 409 `stale` with what is recorded now, 409 `locked`, 400 with each field's
    messages."""
    try:
        return call()
    except PermissionDenied as error:
        return _problem(status.HTTP_403_FORBIDDEN, str(error) or _("No puede modificar esos datos."), "forbidden")
    except indicator_services.VersionConflict as error:
        body = None if error.current is None else current(error.current)
        return _problem(status.HTTP_409_CONFLICT, " ".join(error.messages), "stale", current=body)
    except DataLockedError as error:
        return _problem(status.HTTP_409_CONFLICT, " ".join(error.messages), "locked")
    except ValidationError as error:
        fields = error.message_dict if hasattr(error, "error_dict") else {"non_field_errors": error.messages}
        return _problem(status.HTTP_400_BAD_REQUEST, " ".join(error.messages), "invalid", fields=fields)


def _indicator_in_cycle(data: dict) -> tuple[Indicator, EvaluationCycle] | Response:
    """Return the region's indicator and the cycle a write names, or the 404 to answer."""
    indicator = (
        Indicator.objects.filter(region__iso_code=data["region"].upper(), code__iexact=data["indicator"])
        .select_related("region")
        .first()
    )
    cycle = EvaluationCycle.objects.filter(year=data["cycle"]).first()
    if indicator is None or cycle is None:
        return _problem(
            status.HTTP_404_NOT_FOUND, _("No existe ese indicador en esa región, o ese ciclo."), "not_found"
        )
    return indicator, cycle


@extend_schema_view(
    create=extend_schema(
        request=serializers.AnalysisInputSerializer,
        responses={200: serializers.AnalysisSerializer, **WRITE_ANSWERS},
        description=_(
            "Registra el análisis del resultado de un indicador en un ciclo (causas, causas externas, "
            "justificación del sobrecumplimiento), con la versión que se leyó: el mismo servicio que la página "
            "del indicador. Un cambio de causas deja sin efecto la decisión de DIPRES sobre ellas."
        ),
    )
)
class AnalysisViewSet(_Readable, mixins.CreateModelMixin, viewsets.ReadOnlyModelViewSet):
    """The analysis of each result (causes, external causes and DIPRES's decision). Of published results, only
    those without external causes or whose external causes DIPRES accepted."""

    def get_serializer_class(self):
        return serializers.AnalysisInputSerializer if self.action == "create" else serializers.AnalysisSerializer

    def create(self, request, *args, **kwargs):
        given = serializers.AnalysisInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        found = _indicator_in_cycle(data)
        if isinstance(found, Response):
            return found
        indicator, cycle = found
        saved = _served(
            lambda: indicator_services.result_analysis_save(
                user=request.user,
                indicator=indicator,
                cycle=cycle,
                causes=data["causes"],
                external_causes=data["external_causes"],
                overachievement_justification=data["overachievement_justification"],
                version=data["version"],
            ),
            self._shown,
        )
        return saved if isinstance(saved, Response) else Response(self._shown(saved))

    def _shown(self, analysis) -> dict:
        return serializers.AnalysisSerializer(analysis, context=self.get_serializer_context()).data

    queryset = serializers.ResultAnalysis.objects.none()  # for the schema; rows come from get_queryset
    serializer_class = serializers.AnalysisSerializer
    missing = gettext_lazy("No existe ese análisis de resultados, o no puede verlo.")
    filterset_class = AnalysisFilter

    def get_queryset(self):
        return selectors.analyses(self.readable()).order_by(
            "-cycle__year", "indicator__region__order", "indicator__code"
        )


class CommitmentFilter(AnalysisFilter):
    status = django_filters.CharFilter(field_name="status")

    class Meta:
        model = serializers.ImprovementCommitment
        fields = ["region", "cycle", "indicator", "status"]


@extend_schema_view(
    create=extend_schema(
        request=serializers.CommitmentInputSerializer,
        responses={201: serializers.CommitmentSerializer, **WRITE_ANSWERS},
        description=_("Registra un compromiso de mejora de un indicador en un ciclo, como la página del indicador."),
    ),
    partial_update=extend_schema(
        request=serializers.FollowUpInputSerializer,
        responses={200: serializers.CommitmentSerializer, **WRITE_ANSWERS},
        description=_(
            "Registra el estado y el seguimiento de un compromiso desde el ciclo en que se trabaja, con la versión "
            "que se leyó: el mismo servicio que la página del indicador."
        ),
    ),
)
class CommitmentViewSet(_Readable, mixins.CreateModelMixin, mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Compromisos de mejora per indicator, with their follow-up (the person responsible only for who sees the
    region)."""

    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_serializer_class(self):
        if self.action == "create":
            return serializers.CommitmentInputSerializer
        if self.action == "partial_update":
            return serializers.FollowUpInputSerializer
        return serializers.CommitmentSerializer

    def create(self, request, *args, **kwargs):
        given = serializers.CommitmentInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        found = _indicator_in_cycle(data)
        if isinstance(found, Response):
            return found
        indicator, cycle = found
        saved = _served(
            lambda: indicator_services.improvement_commitment_add(
                user=request.user,
                indicator=indicator,
                cycle=cycle,
                description=data["description"],
                owner=data["owner"],
                due_date=data["due_date"],
            ),
            self._shown,
        )
        return saved if isinstance(saved, Response) else Response(self._shown(saved), status=status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        commitment = self.get_object()  # 404 for one the person does not read
        given = serializers.FollowUpInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        data = given.validated_data
        cycle = EvaluationCycle.objects.filter(year=data["cycle"]).first()
        if cycle is None:
            return _problem(status.HTTP_404_NOT_FOUND, _("No existe ese ciclo."), "not_found")
        saved = _served(
            lambda: indicator_services.improvement_commitment_follow_up(
                user=request.user,
                commitment=commitment,
                cycle=cycle,
                status=data["status"],
                follow_up=data["follow_up"],
                version=data["version"],
            ),
            self._shown,
        )
        return saved if isinstance(saved, Response) else Response(self._shown(saved))

    def _shown(self, commitment) -> dict:
        commitment = serializers.ImprovementCommitment.objects.select_related("indicator__region", "cycle").get(
            pk=commitment.pk
        )
        return serializers.CommitmentSerializer(commitment, context=self.get_serializer_context()).data

    queryset = serializers.ImprovementCommitment.objects.none()  # for the schema; rows come from get_queryset
    serializer_class = serializers.CommitmentSerializer
    missing = gettext_lazy("No existe ese compromiso de mejora, o no puede verlo.")
    filterset_class = CommitmentFilter

    def get_queryset(self):
        return selectors.commitments(self.readable()).order_by("due_date", "pk")


class EvaluationFilter(django_filters.FilterSet):
    region = _region_filter("region__iso_code")
    cycle = django_filters.NumberFilter(field_name="cycle__year")
    line = django_filters.CharFilter(field_name="line__code")

    class Meta:
        model = serializers.ProgramEvaluation
        fields = ["region", "cycle", "line"]


class EvaluationViewSet(_ReadableRows):
    """Evaluations of programs and of the institution, with their verdict and compromisos institucionales."""

    queryset = serializers.ProgramEvaluation.objects.none()
    serializer_class = serializers.EvaluationSerializer
    missing = gettext_lazy("No existe esa evaluación, o no puede verla.")
    filterset_class = EvaluationFilter
    rows = staticmethod(selectors.evaluations)
    ordering = ("region__order", "-cycle__year", "pk")


class InitiativeFilter(django_filters.FilterSet):
    region = _region_filter("region__iso_code")
    year = django_filters.NumberFilter(field_name="year")
    state = django_filters.CharFilter(field_name="state")

    class Meta:
        model = serializers.InvestmentInitiative
        fields = ["region", "year", "state"]


class InitiativeViewSet(_ReadableRows):
    """The PROPIR's investment initiatives with MIDEPLAN's result."""

    queryset = serializers.InvestmentInitiative.objects.none()
    serializer_class = serializers.InitiativeSerializer
    missing = gettext_lazy("No existe esa iniciativa de inversión, o no puede verla.")
    filterset_class = InitiativeFilter
    rows = staticmethod(selectors.initiatives)
    ordering = ("region__order", "-year", "bip_code")


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("cycle", OpenApiTypes.INT, description=_("Año del ciclo (por omisión, el actual).")),
            OpenApiParameter("region", OpenApiTypes.STR, description=_("Código ISO de la región, p. ej. CL-CO.")),
        ]
    )
)
class ResultViewSet(_Readable, viewsets.GenericViewSet):
    """Each region's results in a cycle: compliance, incentive compliance, bonus, and each indicator's result."""

    serializer_class = serializers.RegionResultSerializer
    filter_backends = []

    def list(self, request, *args, **kwargs):
        year = request.query_params.get("cycle")
        if year is not None and not year.isdigit():
            raise ParseError(_("El ciclo es un año, p. ej. 2012."))
        cycle = EvaluationCycle.objects.filter(year=int(year)).first() if year else cycle_current()
        if cycle is None:
            raise Http404(_("No existe ese ciclo."))
        readable = self.readable()
        published = {region_id for region_id, cycle_id in readable.published if cycle_id == cycle.pk}
        regions = Region.objects.filter(pk__in=readable.region_ids | published).order_by("order")
        code = request.query_params.get("region")
        if code:
            regions = regions.filter(iso_code__iexact=code.strip())
        by_code = {region.iso_code: region for region in regions}
        results = cycle_results(cycle=cycle, regions=list(by_code.values())) if by_code else []
        for result in results:
            approved = result.submission_status == SubmissionStatus.APPROVED
            result.published = by_code[result.region_code].pk in published or result.frozen or approved
        page = self.paginate_queryset(results)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
@permission_classes([AllowAny])
@authentication_classes([])
def not_found(request, *args, **kwargs):
    """No such address in the API (a mistyped path, an id that is not a number)."""
    raise NotFound(_("No existe esa dirección en la API: vea /api/v1/docs/."))
