"""The forms of the evaluations' pages. They parse and check what a person typed; the rules that need the
database (a verdict of the cycle's list for the line, a product of the region) are the model's, applied by
the service, whose messages the view puts back on the form."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from indicators.forms import FollowUpForm, LimitedUploadForm
from indicators.models import StrategicProduct
from programs.models import EvaluationLine, Verdict
from programs.services import EvaluationInput
from programs.vocabulary import VerdictKind

DATE_FORMATS = ["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"]


def _date_field(label) -> forms.DateField:
    return forms.DateField(
        label=label,
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=DATE_FORMATS,
    )


class LabelledChoiceField(forms.ModelChoiceField):
    """Choices named in the page's language (programs.models.Labelled)."""

    def label_from_instance(self, obj) -> str:
        return obj.label


class ProductChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.number}. {obj.name}"


class VerdictChoiceField(LabelledChoiceField):
    """The cycle's verdicts, grouped by their list (recommendations for ex ante lines, categories for the
    others)."""

    def grouped(self):
        groups: dict[str, list] = {}
        for verdict in self.queryset:
            groups.setdefault(VerdictKind(verdict.kind).label, []).append((verdict.pk, verdict.label))
        return [("", "---------"), *groups.items()]


class EvaluationForm(LimitedUploadForm):
    too_large_message = _("El informe supera el máximo de %(limit)s MB; no se guardó.")
    line = LabelledChoiceField(label=_("Línea de evaluación"), queryset=EvaluationLine.objects.none())
    program = forms.CharField(
        label=_("Programa evaluado"),
        required=False,
        max_length=300,
        help_text=_("Vacío en una evaluación institucional: se evalúa el gobierno regional."),
    )
    product = ProductChoiceField(
        label=_("Producto estratégico que entrega el programa"),
        required=False,
        queryset=StrategicProduct.objects.none(),
    )
    evaluator = forms.CharField(
        label=_("Evaluador"), max_length=300, help_text=_("Panel de expertos, universidad o consultora, DIPRES…")
    )
    started_on = _date_field(_("Inicio"))
    finished_on = _date_field(_("Término"))
    verdict = VerdictChoiceField(
        label=_("Resultado"),
        required=False,
        queryset=Verdict.objects.none(),
        help_text=_("Ex ante: la recomendación; ex post e institucional: la categoría de resultado."),
    )
    summary = forms.CharField(
        label=_("Conclusiones"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=10000
    )
    file = forms.FileField(
        label=_("Informe"),
        required=False,
        help_text=_("PDF, XLSX, DOCX, PNG o JPG; el tipo se verifica por su contenido."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.xlsx,.docx,.png,.jpg,.jpeg"}),
    )
    is_illustrative = forms.BooleanField(label=_("Ilustrativa (ejemplo, no una evaluación real)"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, initial=0)

    def __init__(self, *args, lines, products, verdicts, **kwargs):
        kwargs.setdefault("auto_id", "evaluation-%s")
        super().__init__(*args, **kwargs)
        self.fields["line"].queryset = lines
        self.fields["product"].queryset = products
        self.fields["verdict"].queryset = verdicts
        self.fields["verdict"].widget.choices = self.fields["verdict"].grouped()

    @classmethod
    def initial_of(cls, evaluation) -> dict:
        return {
            "line": evaluation.line_id,
            "program": evaluation.program,
            "product": evaluation.product_id,
            "evaluator": evaluation.evaluator,
            "started_on": evaluation.started_on,
            "finished_on": evaluation.finished_on,
            "verdict": evaluation.verdict_id,
            "summary": evaluation.summary,
            "is_illustrative": evaluation.is_illustrative,
            "version": evaluation.version,
        }

    def evaluation_input(self) -> EvaluationInput:
        data = self.cleaned_data
        return EvaluationInput(
            line=data["line"],
            program=data["program"],
            product=data["product"],
            evaluator=data["evaluator"],
            started_on=data["started_on"],
            finished_on=data["finished_on"],
            verdict=data["verdict"],
            summary=data["summary"],
            report=data.get("file"),
            is_illustrative=data["is_illustrative"],
            version=data["version"],
        )


class InstitutionalCommitmentForm(forms.Form):
    description = forms.CharField(
        label=_("Compromiso institucional"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    owner = forms.CharField(label=_("Responsable"), max_length=200)
    due_date = forms.DateField(
        label=_("Fecha comprometida"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=DATE_FORMATS,
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "commitment-%s")
        super().__init__(*args, **kwargs)


__all__ = ["EvaluationForm", "FollowUpForm", "InstitutionalCommitmentForm"]
