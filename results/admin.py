from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from core.admin_safety import ReadOnlyHistoryAdmin, SafeHistoryAdmin
from evaluation.models import (
    CycleSnapshot,
    EvaluationCycle,
    FormulationReview,
    RegionDataVersion,
    StageDeadline,
    Submission,
    SubmissionEvent,
)
from indicators.services import rollover
from results.models import StoredRegionResult
from results.services import workflow as services


@admin.action(description=_("Cerrar el ciclo y congelar los resultados de cada región"))
def close_cycles(modeladmin, request, queryset):
    for cycle in queryset.order_by("year"):
        try:
            frozen = services.cycle_close(user=request.user, cycle=cycle)
        except (ValidationError, PermissionDenied) as error:
            modeladmin.message_user(request, " ".join(getattr(error, "messages", [str(error)])), messages.ERROR)
        else:
            modeladmin.message_user(
                request,
                ngettext(
                    "Ciclo %(year)s cerrado: resultados de %(count)s región congelados.",
                    "Ciclo %(year)s cerrado: resultados de %(count)s regiones congelados.",
                    frozen,
                )
                % {"year": cycle.year, "count": frozen},
                messages.SUCCESS,
            )


@admin.action(description=_("Crear el ciclo siguiente a partir del ciclo seleccionado"), permissions=["rollover"])
def roll_over_cycle(modeladmin, request, queryset):
    if queryset.count() != 1:
        modeladmin.message_user(request, _("Seleccione un solo ciclo para crear el siguiente."), messages.WARNING)
        return None
    return redirect("admin:evaluation_evaluationcycle_rollover", queryset.get().pk)


class RolloverYearForm(forms.Form):
    year = forms.IntegerField(label=_("Año del ciclo nuevo"), min_value=2000, max_value=2100)


class RolloverForm(RolloverYearForm):
    """The admin's confirmation of a reviewed rollover: the plan's fingerprint and what to leave out."""

    fingerprint = forms.CharField(widget=forms.HiddenInput)
    regions = forms.MultipleChoiceField(required=False)
    indicators = forms.TypedMultipleChoiceField(coerce=int, required=False)

    def __init__(self, *args, plan: rollover.RolloverPlan, **kwargs):
        super().__init__(*args, **kwargs)
        carried = plan.carried_regions
        self.fields["regions"].choices = [(r.iso_code, r.name) for r in carried]
        self.fields["indicators"].choices = [
            (str(c.indicator_id), c.code) for r in carried for c in r.carried_weightings
        ]


class StageDeadlineInline(admin.TabularInline):
    model = StageDeadline
    extra = 0
    fields = ["stage", "due_date", "note"]


@admin.register(EvaluationCycle)
class EvaluationCycleAdmin(SafeHistoryAdmin):
    actions = [close_cycles, roll_over_cycle]
    inlines = [StageDeadlineInline]
    list_display = [
        "year",
        "stage",
        "data_deadline",
        "met_threshold",
        "partial_threshold",
        "weighting",
        "is_illustrative",
    ]
    list_filter = ["stage", "weighting", "is_illustrative"]
    search_fields = ["year"]

    def get_readonly_fields(self, request, obj=None):
        # A cycle moves between stages on its stage page (recorded with the reason), and closes by the action.
        return ["stage"] if obj is not None else []

    fieldsets = [
        (None, {"fields": ["year", "stage", "history_years", "data_deadline", "is_illustrative"]}),
        (
            _("Recordatorios"),
            {
                "fields": ["reminder_days_before", "reminder_days_after"],
                "description": _(
                    "Los plazos de cada etapa van abajo. La tarea «manage.py send_reminders» envía a cada analista, "
                    "esos días, un resumen de lo que le falta a sus regiones (nunca uno vacío)."
                ),
            },
        ),
        (
            _("Cumplimiento de indicadores"),
            {"fields": ["met_threshold", "partial_threshold", "overachievement_threshold", "scoring_cap"]},
        ),
        (
            _("Cumplimiento institucional e incentivo"),
            {
                "fields": [
                    "weighting",
                    "bonus_full_threshold",
                    "bonus_partial_threshold",
                    "bonus_full_rate",
                    "bonus_partial_rate",
                    "pmg_share",
                ]
            },
        ),
    ]

    def has_rollover_permission(self, request) -> bool:
        return request.user.is_active and request.user.is_superuser

    def get_urls(self):
        rollover_url = path(
            "<path:object_id>/rollover/",
            self.admin_site.admin_view(self.rollover_view),
            name="evaluation_evaluationcycle_rollover",
        )
        return [rollover_url, *super().get_urls()]

    def add_view(self, request, form_url="", extra_context=None):
        latest = EvaluationCycle.objects.order_by("-year").first()
        return super().add_view(request, form_url, {**(extra_context or {}), "rollover_source": latest})

    def rollover_view(self, request, object_id):
        """Review what creating the next cycle from this one carries (GET), then create it (POST)."""
        if not self.has_rollover_permission(request):
            raise PermissionDenied
        source = self.get_object(request, unquote(object_id))
        if source is None:
            return self._get_obj_does_not_exist_redirect(request, self.opts, object_id)
        data = request.POST if request.method == "POST" else (request.GET if "year" in request.GET else None)
        year_form = RolloverYearForm(data, initial={"year": source.year + 1})
        year = year_form.cleaned_data["year"] if year_form.is_valid() else source.year + 1
        plan = rollover.cycle_rollover_plan(source=source, year=year)
        if request.method == "POST":
            form = RolloverForm(request.POST, plan=plan)
            try:
                if not form.is_valid():
                    raise ValidationError([e for errors in form.errors.values() for e in errors])
                result = rollover.cycle_rollover_apply(user=request.user, source=source, **form.cleaned_data)
            except ValidationError as error:
                self.message_user(request, " ".join(error.messages), messages.ERROR)
            else:
                self.message_user(request, _rollover_message(result), messages.SUCCESS)
                return redirect("admin:evaluation_evaluationcycle_change", result.cycle.pk)
        return self._render_rollover(request, source=source, plan=plan, year_form=year_form)

    def _render_rollover(self, request, *, source, plan, year_form):
        posted = request.method == "POST"
        carried = plan.carried_regions
        regions = set(request.POST.getlist("regions")) if posted else {r.iso_code for r in carried}
        indicators = (
            {int(i) for i in request.POST.getlist("indicators") if i.isdigit()}
            if posted
            else {c.indicator_id for r in carried for c in r.carried_weightings}
        )
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": source,
            "title": _("Crear el ciclo %(year)s a partir del ciclo %(source)s")
            % {"year": plan.year, "source": source.year},
            "plan": plan,
            "year_form": year_form,
            "selected_regions": regions,
            "selected_indicators": indicators,
        }
        return TemplateResponse(request, "admin/evaluation/evaluationcycle/rollover.html", context)


def _rollover_message(result: rollover.RolloverResult) -> str:
    created = ngettext(
        "Ciclo %(year)s creado con %(count)s ponderación de indicador.",
        "Ciclo %(year)s creado con %(count)s ponderaciones de indicadores.",
        result.weightings,
    ) % {"year": result.cycle.year, "count": result.weightings}
    if result.definitions:
        created += " " + ngettext(
            "Se copió %(count)s definición estratégica.",
            "Se copiaron %(count)s definiciones estratégicas.",
            result.definitions,
        ) % {"count": result.definitions}
    return f"{created} " + str(_("Fije el plazo de ingreso de datos del ciclo nuevo."))


class SubmissionEventInline(admin.TabularInline):
    model = SubmissionEvent
    extra = 0
    fields = ["at", "action", "actor", "comment"]
    readonly_fields = ["at", "action", "actor", "comment"]
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Submission)
class SubmissionAdmin(SafeHistoryAdmin):
    list_display = ["region", "cycle", "status", "updated_at"]
    list_filter = ["cycle", "status", "region"]
    search_fields = ["region__name"]
    list_select_related = ["region", "cycle"]
    # A submission moves only through the workflow (send, return, approve, reopen), which records each step;
    # its region and cycle never change (moving one would carry an approval to another region or year).
    readonly_fields = ["region", "cycle", "status", "updated_at"]
    inlines = [SubmissionEventInline]

    def has_add_permission(self, request):
        return False  # submissions are created by the workflow, for a region that exists in the cycle


@admin.register(SubmissionEvent)
class SubmissionEventAdmin(admin.ModelAdmin):
    list_display = ["submission", "action", "actor", "at"]
    list_filter = ["action", "submission__cycle", "submission__region"]
    search_fields = ["comment", "submission__region__name"]
    list_select_related = ["submission__region", "submission__cycle", "actor"]
    readonly_fields = ["submission", "action", "actor", "comment", "at"]

    def has_add_permission(self, request):
        return False


@admin.register(FormulationReview)
class FormulationReviewAdmin(ReadOnlyHistoryAdmin):
    """Recorded on the region's page (results.services.workflow.formulation_review_record): read here."""

    list_display = ("region", "cycle", "reviewed_by", "reviewed_at", "version")
    list_filter = ("cycle", "region")
    list_select_related = ("region", "cycle", "reviewed_by")


@admin.register(CycleSnapshot)
class CycleSnapshotAdmin(admin.ModelAdmin):
    list_display = ["cycle", "region", "created_at", "created_by"]
    list_filter = ["cycle", "region"]
    list_select_related = ["cycle", "region", "created_by"]
    readonly_fields = ["cycle", "region", "data", "created_at", "created_by"]

    def has_add_permission(self, request):
        return False  # snapshots are made by closing a cycle

    def has_change_permission(self, request, obj=None):
        return False  # frozen results never change


class DerivedDataAdmin(admin.ModelAdmin):
    """Data the application derives and keeps current itself: shown to admins, never edited by hand."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RegionDataVersion)
class RegionDataVersionAdmin(DerivedDataAdmin):
    list_display = ["region", "cycle", "value"]
    list_filter = ["cycle"]
    list_select_related = ["region", "cycle"]


@admin.register(StoredRegionResult)
class StoredRegionResultAdmin(DerivedDataAdmin):
    list_display = ["region", "cycle", "has_result", "computed_at"]
    list_filter = ["cycle", "has_result"]
    list_select_related = ["region", "cycle"]


@admin.register(StageDeadline)
class StageDeadlineAdmin(SafeHistoryAdmin):
    """The stages' deadlines (also under each cycle): reminders count from them."""

    list_display = ["cycle", "stage", "due_date", "note", "is_illustrative"]
    list_filter = ["cycle", "stage", "is_illustrative"]
    list_select_related = ["cycle"]
