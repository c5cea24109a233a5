"""The admin: every model, in Spanish. Figures change only through indicators.services (validation,
permissions, version check, audit): the indicator page shows them read-only, and a figure's own page saves
through `measurement_save` / `measurements_delete` with the version the admin loaded, by the grid's rules; a
delete elsewhere in the admin that would take figures with it (an indicator's) is refused."""

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.actions import delete_selected as django_delete_selected
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.admin_safety import ReadOnlyAdmin, ReadOnlyHistoryAdmin, SafeAdmin, SafeHistoryAdmin, StaleAdminFormMixin
from core.numbers import format_number
from indicators import services
from indicators.models import (
    Client,
    ComputedFigure,
    Evidence,
    FormulationCheck,
    ImportLog,
    ImprovementCommitment,
    Indicator,
    IndicatorWeighting,
    Measurement,
    MediumTermTarget,
    Observation,
    ObservationMessage,
    PriorityAxis,
    ProductBudget,
    ResultAnalysis,
    StrategicDefinition,
    StrategicObjective,
    StrategicProduct,
)
from indicators.selectors import FIXED_DEFINITION_FIELDS, fixed_definition_cycles


class ReadOnlyInline(admin.TabularInline):
    """Rows shown under another, read-only: they are written on their own page, through its service."""

    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StrategicObjectiveInline(ReadOnlyInline):
    model = StrategicObjective
    fields = ["number", "description", "version"]
    readonly_fields = fields


class DefinitionsPageLink:
    """Links a row to the region's definitions page, where the region's analysts and DIPRES change it."""

    @admin.display(description=_("se modifica en"))
    def definitions_page(self, obj):
        definition = self.definition_of(obj)
        url = reverse(
            "indicators:definitions", kwargs={"code": definition.region.iso_code, "year": definition.cycle.year}
        )
        return format_html('<a href="{}">{}</a>', url, gettext("la página de definiciones estratégicas"))


@admin.register(StrategicDefinition)
class StrategicDefinitionAdmin(DefinitionsPageLink, ReadOnlyHistoryAdmin):
    """Shown only: the region's analysts formulate the definitions on their page (the service: permission,
    stage, lock, version, history)."""

    list_display = ["region", "cycle", "is_illustrative", "definitions_page"]
    list_filter = ["region", "cycle", "is_illustrative"]
    search_fields = ["region__name", "mission"]
    inlines = [StrategicObjectiveInline]
    list_select_related = ["region", "cycle"]
    readonly_fields = ["definitions_page"]

    def definition_of(self, obj):
        return obj


class MediumTermTargetInline(ReadOnlyInline):
    model = MediumTermTarget
    fields = ["indicator", "year", "value", "notes", "is_illustrative", "version"]
    readonly_fields = fields


@admin.register(StrategicObjective)
class StrategicObjectiveAdmin(DefinitionsPageLink, ReadOnlyHistoryAdmin):
    """Shown only: analysts change objectives and DIPRES their axes on the definitions page."""

    list_display = ["number", "description", "definition", "definitions_page"]
    list_filter = ["definition__region", "definition__cycle", "axes"]
    search_fields = ["description", "definition__region__name"]
    list_select_related = ["definition__region", "definition__cycle"]
    inlines = [MediumTermTargetInline]
    readonly_fields = ["definitions_page"]

    def definition_of(self, obj):
        return obj.definition


@admin.register(PriorityAxis)
class PriorityAxisAdmin(ReadOnlyHistoryAdmin):
    """The Delivery Unit's priority axes: DIPRES and the admins keep them on the axes' pages (the service)."""

    list_display = ["code", "name", "name_en", "order", "is_active", "is_illustrative"]
    list_filter = ["is_active", "is_illustrative"]
    search_fields = ["code", "name", "description"]


@admin.register(MediumTermTarget)
class MediumTermTargetAdmin(DefinitionsPageLink, ReadOnlyHistoryAdmin):
    """Shown only: the region's analysts set medium-term targets on the definitions page."""

    list_display = ["indicator", "year", "value", "objective", "is_illustrative", "definitions_page"]
    list_filter = ["indicator__region", "year", "is_illustrative"]
    list_select_related = ["indicator", "objective__definition__region", "objective__definition__cycle"]
    readonly_fields = ["definitions_page"]

    def definition_of(self, obj):
        return obj.objective.definition


@admin.register(Client)
class ClientAdmin(SafeAdmin):
    list_display = ["number", "name", "region"]
    list_filter = ["region"]
    search_fields = ["name", "region__name"]
    list_select_related = ["region"]


@admin.register(StrategicProduct)
class StrategicProductAdmin(SafeHistoryAdmin):
    """Products and their clients; which objectives a product serves is set on the definitions page."""

    list_display = ["number", "name", "region", "is_institutional"]
    list_filter = ["region", "is_institutional"]
    search_fields = ["name", "description", "region__name"]
    filter_horizontal = ["clients"]
    readonly_fields = ["objectives_served"]
    exclude = ["objectives"]
    list_select_related = ["region"]

    @admin.display(description=_("objetivos estratégicos que sirve"))
    def objectives_served(self, product):
        return (
            "; ".join(
                f"{objective.definition.cycle.year} · {objective}"
                for objective in product.objectives.select_related("definition__cycle").order_by(
                    "-definition__cycle__year", "number"
                )
            )
            or "—"
        )


class MeasurementInline(ReadOnlyInline):
    """The indicator's figures, read-only: saving the indicator's page never writes a figure."""

    model = Measurement
    fields = ["year", "kind", "numerator_shown", "denominator_shown", "version", "edit_link"]
    readonly_fields = fields
    ordering = ["year", "kind"]
    verbose_name_plural = _("valores (se modifican en el ingreso de datos o en la página de cada valor)")

    @admin.display(description=_("numerador"))
    def numerator_shown(self, measurement):
        return format_number(measurement.numerator)

    @admin.display(description=_("denominador"))
    def denominator_shown(self, measurement):
        return format_number(measurement.denominator)

    @admin.display(description=_("modificar"))
    def edit_link(self, measurement):
        url = reverse("admin:indicators_measurement_change", args=[measurement.pk])
        return format_html('<a href="{}">{}</a>', url, gettext("modificar"))


class WeightingInline(admin.TabularInline):
    model = IndicatorWeighting
    extra = 0
    fields = ["cycle", "weight", "counts_for_incentive", "notes"]


class IndicatorAdminForm(forms.ModelForm):
    """An indicator's definition, whose measuring fields no longer change while a cycle that commits it is in
    execution or evaluation (docs/domain.md §6b): its metas were set, and will be scored, on that formula."""

    def clean(self):
        data = super().clean()
        if self.instance.pk is not None:
            changed = [name for name in FIXED_DEFINITION_FIELDS if name in self.changed_data]
            locking = fixed_definition_cycles(self.instance)
            if changed and locking:
                raise ValidationError(
                    gettext(
                        "La fórmula y la forma de medir no cambian mientras el ciclo %(year)s, que compromete este "
                        "indicador, está en %(stage)s: sus metas se fijaron y se evaluarán con ellas (%(fields)s)."
                    )
                    % {
                        "year": locking[0].year,
                        "stage": locking[0].get_stage_display().lower(),
                        "fields": ", ".join(str(Indicator._meta.get_field(name).verbose_name) for name in changed),
                    }
                )
        return data


@admin.register(Indicator)
class IndicatorAdmin(SafeHistoryAdmin):
    form = IndicatorAdminForm
    list_display = ["code", "name", "region", "product", "dimension", "control_scope", "is_illustrative"]
    list_filter = [
        "region",
        "weightings__cycle",
        "product",
        "dimension",
        "control_scope",
        "direction",
        "unit",
        "is_illustrative",
    ]
    search_fields = ["code", "name", "formula", "region__name", "product__name"]
    list_select_related = ["region", "product"]
    autocomplete_fields = ["product"]
    inlines = [WeightingInline, MeasurementInline]
    fieldsets = [
        (None, {"fields": ["region", "product", "code", "name", "is_active", "is_illustrative"]}),
        (
            _("Formulario H"),
            {
                "fields": [
                    "formula",
                    "numerator_description",
                    "denominator_description",
                    ("unit", "factor", "decimals"),
                    ("dimension", "control_scope", "direction"),
                    "is_share",
                    "source",
                    "verification_means",
                    "assumptions",
                    "notes",
                    ("gender_disaggregation", "territorial_management"),
                ]
            },
        ),
    ]


@admin.register(IndicatorWeighting)
class IndicatorWeightingAdmin(SafeHistoryAdmin):
    list_display = ["indicator", "cycle", "weight", "counts_for_incentive"]
    list_filter = ["cycle", "indicator__region", "counts_for_incentive"]
    search_fields = ["indicator__code", "indicator__name"]
    list_select_related = ["indicator", "cycle"]


class ServiceSavedForm(StaleAdminFormMixin, forms.ModelForm):
    """An admin form whose row is saved through a domain service while the form validates (`_post_clean`), so
    the service's refusals are shown on the form. `loaded_version` is the version the page showed: a change
    made meanwhile by anyone (the pages, a spreadsheet, another admin) is a conflict, never lost. Subclasses
    name the fields fixed once the row exists (`fixed`) and save in `save_through_service`."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    reason = forms.CharField(label=_("motivo del cambio"), max_length=100, required=False)
    check_history = False  # the row's own version is checked by the service, with the current value
    fixed: tuple[str, ...] = ()

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["loaded_version"].initial = self.instance.version if self.instance.pk else 0
        if self.instance.pk:
            for name in self.fixed:
                self.fields[name].disabled = True

    @property
    def loaded(self) -> int:
        version = self.cleaned_data.get("loaded_version")
        return version if version is not None else self.instance.version

    @property
    def change_reason(self) -> str:
        return self.cleaned_data.get("reason") or gettext("Cambio en la administración")

    def save(self, commit=True):
        return self.saved

    def save_m2m(self):
        """The row has no many-to-many fields."""


class ServiceSavedAdmin(SafeHistoryAdmin):
    """An admin whose form (a ServiceSavedForm) saves through the service: the form gets the person, and
    nothing is left for the admin to write."""

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)

        class WithUser(form):
            def __init__(self, *args, **inner):
                super().__init__(*args, user=request.user, **inner)

        return WithUser

    def save_model(self, request, obj, form, change):
        """Nothing left to write: the form saved through the service while validating."""


class MeasurementAdminForm(ServiceSavedForm):
    """A figure saved through the service (the grid's), in the newest open cycle that shows it."""

    fixed = ("indicator", "year", "kind")

    class Meta:
        model = Measurement
        fields = ["indicator", "year", "kind", "numerator", "denominator"]

    def _post_clean(self):
        """Save through the service here, where its refusals can still be shown on the form.

        The service validates the figure (instead of the model form's own checks, which would see the saved
        row as a duplicate). The admin wraps the request in a transaction; the service runs in a savepoint.
        """
        if self.errors:
            return
        data = self.cleaned_data
        try:
            self.saved = services.measurement_save(
                user=self.user,
                indicator=data["indicator"],
                year=data["year"],
                kind=data["kind"],
                numerator=data.get("numerator"),
                denominator=data.get("denominator"),
                version=self.loaded,
                reason=self.change_reason,
            )
        except services.StaleDataError as error:
            current = error.conflicts[0].current
            if self.instance.pk is None and current is not None:
                self.add_error(
                    None,
                    gettext("Ese valor ya existe (%(current)s): modifíquelo en su propia página.")
                    % {"current": _figure(current)},
                )
                return
            self.add_error(
                None,
                gettext(
                    "Otra persona cambió este valor después de que usted abrió la página (ahora: %(current)s). "
                    "No se guardó nada: recargue la página para ver el valor actual."
                )
                % {"current": _figure(current)},
            )
        except services.CellErrors as error:
            for fields in error.by_cell.values():
                for field, messages_ in fields.items():
                    self.add_error(field if field in self.fields else None, messages_)
        except (ValidationError, PermissionDenied) as error:
            self.add_error(None, getattr(error, "messages", None) or [str(error)])


def _figure(measurement) -> str:
    if measurement is None:
        return gettext("sin valor")
    if measurement.denominator is None:
        return format_number(measurement.numerator)
    return f"{format_number(measurement.numerator)} / {format_number(measurement.denominator)}"


def _posted_version(request, name: str) -> int:
    """Return the version the confirmation page showed; -1 when none was posted (a hand-made request): nothing
    then proves the figure was seen as it is, and the service refuses it as changed."""
    version = request.POST.get(name, "")
    return int(version) if version.isdigit() else -1


def _delete_reason(request) -> str:
    return request.POST.get("reason", "").strip()[:100] or gettext("Anulado en la administración")


@admin.action(permissions=["delete"], description=_("Anular los valores seleccionados"))
def delete_selected(modeladmin, request, queryset):
    """Django's bulk delete, through the service: all the figures or none, the reasons listed when refused."""
    if not request.POST.get("post") or modeladmin.get_deleted_objects(queryset, request)[3]:
        return django_delete_selected(modeladmin, request, queryset)  # the confirmation, or why not
    try:
        count = modeladmin.delete_queryset(request, queryset)
    except services.StaleDataError:
        modeladmin.message_user(
            request,
            gettext("Otra persona cambió alguno de estos valores: no se anuló ninguno. Revíselos."),
            messages.ERROR,
        )
    except (ValidationError, PermissionDenied) as error:
        modeladmin.message_user(request, " ".join(getattr(error, "messages", [str(error)])), messages.ERROR)
    else:
        modeladmin.message_user(
            request,
            ngettext("%(count)d valor anulado.", "%(count)d valores anulados.", count) % {"count": count},
            messages.SUCCESS,
        )
    return None


@admin.register(Measurement)
class MeasurementAdmin(ServiceSavedAdmin):
    """A figure's own page: changed and removed only through the service, by the rules of the grid (the stage's
    fixed metas, the submissions' locks, the version the page showed), one by one or in bulk."""

    list_display = ["indicator", "year", "kind", "numerator", "denominator", "version"]
    list_filter = ["indicator__region", "kind", "year", "indicator__product", "indicator__dimension"]
    search_fields = ["indicator__code", "indicator__name"]
    list_select_related = ["indicator"]
    form = MeasurementAdminForm
    fields = ["indicator", "year", "kind", "numerator", "denominator", "reason", "loaded_version"]
    actions = [delete_selected]  # under the site's action's name, so it replaces it
    delete_confirmation_template = "admin/indicators/measurement/delete_confirmation.html"
    delete_selected_confirmation_template = "admin/indicators/measurement/delete_selected_confirmation.html"

    def get_deleted_objects(self, objs, request):
        """Django's list of what goes, and as «protected» why the figures cannot go (the page then asks nothing)."""
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        figures = list(objs.select_related("indicator__region") if hasattr(objs, "select_related") else objs)
        refusals = services.measurement_delete_refusals(user=request.user, measurements=figures)
        by_pk = {figure.pk: figure for figure in figures}
        refused = [f"{by_pk[pk]}: {reason}" for pk, reasons in refusals.items() for reason in reasons]
        return deleted, counts, perms_needed, [*protected, *refused]

    def cascade_refusals(self, request, objs):
        count = len(objs)
        return [
            ngettext(
                "%(count)d valor registrado, que no se borra junto con su indicador: desactive el indicador en vez "
                "de borrarlo, o anule el valor en su propia página si sus reglas lo permiten.",
                "%(count)d valores registrados, que no se borran junto con su indicador: desactive el indicador en "
                "vez de borrarlo, o anule cada valor en su propia página si sus reglas lo permiten.",
                count,
            )
            % {"count": count}
        ]

    def delete_queryset(self, request, queryset) -> int:
        """Remove the figures through the service, each with the version the confirmation page showed
        (`loaded_version_<id>`); raises what the service raises, and then nothing is removed."""
        figures = list(queryset.select_related("indicator__region"))
        with transaction.atomic():
            self.log_deletions(request, figures)
            return services.measurements_delete(
                user=request.user,
                figures=[(figure, _posted_version(request, f"loaded_version_{figure.pk}")) for figure in figures],
                reason=_delete_reason(request),
            )

    def delete_model(self, request, obj):
        services.measurement_delete(
            user=request.user,
            measurement=obj,
            version=_posted_version(request, "loaded_version"),
            reason=_delete_reason(request),
        )

    def delete_view(self, request, object_id, extra_context=None):
        measurement = self.get_object(request, unquote(object_id))
        if request.method == "POST" and measurement is not None and self.has_delete_permission(request, measurement):
            change_page = HttpResponseRedirect(reverse("admin:indicators_measurement_change", args=[measurement.pk]))
            try:
                with transaction.atomic():
                    self.log_deletions(request, [measurement])
                    self.delete_model(request, measurement)
            except services.StaleDataError:
                self.message_user(
                    request, gettext("Otra persona cambió este valor: no se anuló. Revíselo."), messages.ERROR
                )
                return change_page
            except (ValidationError, PermissionDenied) as error:
                self.message_user(request, " ".join(getattr(error, "messages", [str(error)])), messages.ERROR)
                return change_page
            self.message_user(request, gettext("Valor anulado."), messages.SUCCESS)
            return HttpResponseRedirect(reverse("admin:indicators_measurement_changelist"))
        return super().delete_view(request, object_id, extra_context)


# Analyses and commitments are written on the indicator's page and through the API, by their services
# (permission, lock, version, history): the admin shows them and their history.
@admin.register(ResultAnalysis)
class ResultAnalysisAdmin(ReadOnlyHistoryAdmin):
    list_display = ["indicator", "cycle", "external_causes", "external_accepted"]
    list_filter = ["cycle", "indicator__region", "external_causes", "external_accepted"]
    search_fields = ["indicator__code", "indicator__name", "causes"]
    list_select_related = ["indicator", "cycle"]


@admin.register(ImprovementCommitment)
class ImprovementCommitmentAdmin(ReadOnlyHistoryAdmin):
    list_display = ["indicator", "cycle", "description", "owner", "due_date", "status"]
    list_filter = ["status", "cycle", "indicator__region"]
    search_fields = ["indicator__code", "description", "owner"]
    list_select_related = ["indicator", "cycle"]


@admin.register(Evidence)
class EvidenceAdmin(SafeHistoryAdmin):
    list_display = ["indicator", "year", "original_name", "content_type", "size", "uploaded_by", "withdrawn"]
    list_filter = ["indicator__region", "year", "withdrawn", "content_type"]
    search_fields = ["indicator__code", "original_name", "description"]
    list_select_related = ["indicator", "uploaded_by"]
    readonly_fields = ["file", "original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]

    def has_add_permission(self, request):
        return False  # uploads go through the indicator page, which checks the file's content


class ProductBudgetAdminForm(ServiceSavedForm):
    """A product's budget saved through the service (the budget page's), in the cycle of its year."""

    fixed = ("product", "year")

    class Meta:
        model = ProductBudget
        fields = ["product", "year", "allocated", "executed", "output"]

    def _post_clean(self):
        """Save through the service here, where its refusals can still be shown on the form."""
        if self.errors:
            return
        data = self.cleaned_data
        try:
            self.saved = services.product_budget_save(
                user=self.user,
                product=data["product"],
                year=data["year"],
                allocated=data.get("allocated"),
                executed=data.get("executed"),
                output=data.get("output"),
                version=self.loaded,
                reason=self.change_reason,
            )
        except services.BudgetErrors as error:
            for fields in error.by_product.values():
                for field, messages_ in fields.items():
                    self.add_error(field if field in self.fields else None, messages_)
        except (ValidationError, PermissionDenied) as error:
            self.add_error(None, getattr(error, "messages", None) or [str(error)])


@admin.register(ProductBudget)
class ProductBudgetAdmin(ServiceSavedAdmin):
    list_display = ["product", "year", "allocated", "executed", "output", "version"]
    list_filter = ["product__region", "year"]
    search_fields = ["product__name", "product__region__name"]
    list_select_related = ["product__region"]
    autocomplete_fields = ["product"]
    form = ProductBudgetAdminForm
    fields = ["product", "year", "allocated", "executed", "output", "reason", "loaded_version"]
    actions = None  # budgets are corrected through the service, never deleted in bulk

    def has_delete_permission(self, request, obj=None):
        return False  # a recorded budget is corrected, never erased (as the budget page says)


@admin.register(ImportLog)
class ImportLogAdmin(admin.ModelAdmin):
    list_display = ["created_at", "user", "region", "cycle", "file_name", "status", "rows", "applied"]
    list_filter = ["status", "region", "cycle"]
    search_fields = ["file_name", "user__username"]
    list_select_related = ["user", "region", "cycle"]
    readonly_fields = [f.name for f in ImportLog._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(ComputedFigure)
class ComputedFigureAdmin(ReadOnlyHistoryAdmin):
    """Read-only: computed by the service of the list they come from (the PROPIR's), never typed."""

    list_display = ["indicator", "year", "source", "numerator", "denominator", "applied_version", "computed_at"]
    list_filter = ["source", "indicator__region", "year"]
    list_select_related = ["indicator"]


class ObservationMessageInline(ReadOnlyInline):
    model = ObservationMessage
    fields = ["created_at", "author", "text"]
    readonly_fields = fields


@admin.register(Observation)
class ObservationAdmin(ReadOnlyHistoryAdmin):
    """Shown only: DIPRES and the region keep the threads on the indicator's page (the service)."""

    list_display = ["indicator", "cycle", "topic", "status", "opened_by", "opened_at", "resolved_at"]
    list_filter = ["status", "topic", "cycle", "indicator__region"]
    list_select_related = ["indicator", "cycle", "opened_by"]
    inlines = [ObservationMessageInline]


@admin.register(ObservationMessage)
class ObservationMessageAdmin(ReadOnlyAdmin):
    """Shown only: a thread's messages are never changed."""

    list_display = ["observation", "author", "created_at"]
    list_select_related = ["observation__indicator", "author"]


@admin.register(FormulationCheck)
class FormulationCheckAdmin(ReadOnlyHistoryAdmin):
    list_display = ["indicator", "cycle", "item", "state", "checked_by", "checked_at"]
    list_filter = ["item", "state", "cycle", "indicator__region"]
    list_select_related = ["indicator", "cycle", "checked_by"]
