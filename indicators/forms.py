"""Forms of the indicators' pages: the data-entry grid, products' budgets, result analyses, improvement
commitments and evidence."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.validators import MinValueValidator
from django.utils.dateparse import parse_datetime
from django.utils.formats import get_format
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.numbers import format_number, format_percent
from indicators import spreadsheets
from indicators.models import CommitmentStatus, ImportLog, Indicator, MeasurementKind, ProductBudget, StrategicProduct
from indicators.parsing import AmbiguousNumberError, NumberFormatError, is_ambiguous, parse_decimal
from indicators.selectors import Column, IndicatorRow
from indicators.services import KEEP, TAKE, BudgetErrors, BudgetInput, CellErrors, CellInput
from indicators.services.budget import AMOUNTS, COLUMNS, over_executed

# Measurement fields hold 18 digits, 4 of them decimals.
MAX_INTEGER_DIGITS = 14
MAX_DECIMALS = 4


class LocalDecimalField(forms.CharField):
    """A non-negative number typed the way the active language writes it (in Chile 1.078.000 and 71,5).

    «1.078» or «1,078» has two readings and is refused, unless the figure takes fewer than three decimals
    (`decimals`, or `reading_decimals` where the figure's own are fewer, as a target's indicator's): then it
    is thousands (indicators.parsing).
    """

    default_error_messages = {
        "invalid": _("Escriba un número, por ejemplo 1078 o 71,5."),
        # A mark the language does not use that way, as «71.5» in Spanish (the code is older than the rule).
        "ambiguous": _("El punto separa miles (1.078.000); para decimales use coma (71,5)."),
        "negative": _("No puede ser negativo."),
        "too_big": _("El número es demasiado grande."),
        "too_precise": _("Use a lo más 4 decimales."),
        "whole": _("Escriba un número entero."),
    }

    def __init__(self, *, language: str | None = None, decimals: int = MAX_DECIMALS, **kwargs):
        self.language = language
        self.decimals = decimals
        self.reading_decimals: int | None = None
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "size": 9}))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        """A stored number (a form's initial) is written as it reads back (entry_text); typed text stays."""
        return entry_text(value) if isinstance(value, Decimal) else value

    def to_python(self, value) -> Decimal | None:
        text = super().to_python(value)
        try:
            number = parse_decimal(
                text,
                decimal_sep=get_format("DECIMAL_SEPARATOR", lang=self.language),
                thousand_sep=get_format("THOUSAND_SEPARATOR", lang=self.language),
                decimals=self.decimals if self.reading_decimals is None else self.reading_decimals,
            )
        except AmbiguousNumberError as exc:  # thousands or decimals? (indicators.parsing)
            raise forms.ValidationError(str(exc), code="two_readings") from None
        except NumberFormatError as exc:
            code = "ambiguous" if exc.code == "wrong_mark" else "invalid"
            raise forms.ValidationError(self.error_messages[code], code=code) from None
        if number is None:
            return None
        if number < 0:
            raise forms.ValidationError(self.error_messages["negative"], code="negative")
        step = Decimal(1).scaleb(-self.decimals)
        if -number.as_tuple().exponent > self.decimals and number != number.quantize(step):
            if not self.decimals:
                raise forms.ValidationError(self.error_messages["whole"], code="whole")
            raise forms.ValidationError(self.error_messages["too_precise"], code="too_precise")
        if number >= Decimal(10) ** MAX_INTEGER_DIGITS:
            raise forms.ValidationError(self.error_messages["too_big"], code="too_big")
        return number.quantize(step)


def _as_int(text) -> int | None:
    return int(text) if isinstance(text, str) and text.isdigit() else None


def entry_text(value: Decimal | None) -> str:
    """Return a figure as the grid writes it in its input, so that it reads back as the same figure: in the
    active language's format, except where that would have two readings (indicators.parsing): 1078 rather
    than «1.078», 1,0780 rather than «1,078»."""
    if value is None:
        return ""
    text = format_number(value)
    if not is_ambiguous(text):
        return text
    return format(value.normalize(), "f") if value == value.to_integral_value() else format_number(value, MAX_DECIMALS)


def original_token(measurement) -> str:
    """Return the figure as the form showed it, for the hidden field that travels with it ("n;d")."""
    if measurement is None:
        return ";"
    denominator = "" if measurement.denominator is None else format(measurement.denominator.normalize(), "f")
    return f"{format(measurement.numerator.normalize(), 'f')};{denominator}"


def parse_original_token(token: str | None) -> tuple[Decimal | None, Decimal | None] | None:
    """Return the (numerator, denominator) a hidden «original» field carries; None when it is unreadable."""
    if not token or token.count(";") != 1:
        return None
    try:
        return tuple(Decimal(part) if part else None for part in token.split(";"))  # type: ignore[return-value]
    except (ArithmeticError, ValueError):
        return None


class EntryCell:
    """One (year, kind) cell of the grid for one indicator: its bound fields and its current value."""

    def __init__(self, form: EntryGridForm, row: IndicatorRow, column: Column):
        self.row, self.column = row, column
        self.prefix = f"c{row.indicator.pk}_{column.year}_{column.kind}"
        self.numerator = form[f"{self.prefix}_n"]
        self.denominator = form[f"{self.prefix}_d"] if row.indicator.has_denominator else None
        self.version = form[f"{self.prefix}_v"]
        self.original = form[f"{self.prefix}_o"]
        self.stored = row.figures.get((column.year, column.kind))
        self.conflict = (row.indicator.pk, column.year, column.kind) in form.conflicts


class EntryGridForm(forms.Form):
    """The figures of a product's indicators: years × (efectivo, estimado, meta) × (numerator, denominator).

    Blank cells that had no value stay empty; every other cell is validated and handed to the service,
    which saves only what changed, all or nothing.
    """

    def __init__(self, *args, rows: list[IndicatorRow], columns: list[Column], fixed=frozenset(), **kwargs):
        """`fixed`: the columns the cycle's stage no longer lets change (shown, not editable)."""
        super().__init__(*args, **kwargs)
        self.rows, self.columns = rows, columns
        self.conflicts: set[tuple[int, int, str]] = set()
        # Numbers are read in the language the form was drawn in, even if the person switched since.
        drawn_in = self.data.get("drawn_in") if self.is_bound else None
        supported = {code for code, _name in settings.LANGUAGES}
        self.language = drawn_in if drawn_in in supported else get_language()
        self.fields["drawn_in"] = forms.CharField(widget=forms.HiddenInput, initial=self.language, required=False)
        for row in rows:
            for column in columns:
                prefix = f"c{row.indicator.pk}_{column.year}_{column.kind}"
                stored = row.figures.get((column.year, column.kind))
                label = f"{row.indicator.code} {column.year} {MeasurementKind(column.kind).label}"
                self.fields[f"{prefix}_n"] = LocalDecimalField(
                    language=self.language,
                    label=_("%(cell)s, numerador") % {"cell": label},
                    initial=entry_text(stored.numerator) if stored else "",
                )
                if row.indicator.has_denominator:
                    self.fields[f"{prefix}_d"] = LocalDecimalField(
                        language=self.language,
                        label=_("%(cell)s, denominador") % {"cell": label},
                        initial=entry_text(stored.denominator) if stored else "",
                    )
                for part in ("n", "d"):
                    field = self.fields.get(f"{prefix}_{part}")
                    if field is not None:  # the grid shows no <label>: name each input for screen readers
                        field.widget.attrs["aria-label"] = str(field.label)
                        if column in fixed:  # what was posted for it is ignored: the stored value stays
                            field.disabled = True
                            field.widget.attrs["title"] = str(_("Fija desde la etapa de ejecución."))
                self.fields[f"{prefix}_v"] = forms.IntegerField(
                    widget=forms.HiddenInput, initial=stored.version if stored else 0, min_value=0, required=False
                )
                self.fields[f"{prefix}_o"] = forms.CharField(
                    widget=forms.HiddenInput, initial=original_token(stored), required=False
                )

    def grid(self) -> list[tuple[IndicatorRow, list[EntryCell]]]:
        """Return the rows with their cells, for the template."""
        return [(row, [EntryCell(self, row, column) for column in self.columns]) for row in self.rows]

    def clean(self):
        data = super().clean()
        for row in self.rows:
            indicator = row.indicator
            for column in self.columns:
                prefix = f"c{indicator.pk}_{column.year}_{column.kind}"
                numerator, denominator = data.get(f"{prefix}_n"), data.get(f"{prefix}_d")
                if f"{prefix}_n" in self.errors or f"{prefix}_d" in self.errors:
                    continue
                self._check_pair(indicator, prefix, numerator, denominator)
        return data

    def _check_pair(self, indicator: Indicator, prefix: str, numerator, denominator) -> None:
        if not indicator.has_denominator:
            return
        if denominator is not None and denominator == 0:
            self.add_error(f"{prefix}_d", _("El denominador no puede ser cero."))
        elif numerator is None and denominator is not None:
            self.add_error(f"{prefix}_n", _("Falta el numerador."))
        elif numerator is not None and denominator is None:
            self.add_error(f"{prefix}_d", _("Falta el denominador."))
        elif indicator.is_share and numerator is not None and numerator > denominator:
            self.add_error(
                f"{prefix}_n",
                _("El numerador no puede superar al denominador: es una parte del total."),
            )

    def cell_inputs(self) -> list[CellInput]:
        """Return every cell as the service takes it (call after is_valid())."""
        cells = []
        for row in self.rows:
            for column in self.columns:
                prefix = f"c{row.indicator.pk}_{column.year}_{column.kind}"
                cells.append(
                    CellInput(
                        indicator=row.indicator,
                        year=column.year,
                        kind=column.kind,
                        numerator=self.cleaned_data.get(f"{prefix}_n"),
                        denominator=self.cleaned_data.get(f"{prefix}_d"),
                        version=self.cleaned_data.get(f"{prefix}_v") or 0,
                        original=parse_original_token(self.cleaned_data.get(f"{prefix}_o")),
                    )
                )
        return cells

    def add_cell_errors(self, error: CellErrors) -> None:
        """Show the service's per-cell errors beside the fields they concern."""
        for (indicator_id, year, kind), fields in error.by_cell.items():
            prefix = f"c{indicator_id}_{year}_{kind}"
            for field, messages in fields.items():
                name = f"{prefix}_d" if field == "denominator" and f"{prefix}_d" in self.fields else f"{prefix}_n"
                for message in messages:
                    self.add_error(name, message)

    def mark_conflicts(self, keys: set[tuple[int, int, str]]) -> None:
        """Flag cells someone else changed meanwhile; the page shows their stored value under them. A conflict
        is not an error of what the person typed: it is not counted among the values with errors."""
        self.conflicts = keys

    def error_count(self) -> int:
        return sum(len(errors) for errors in self.errors.values())

    def percent_pattern(self) -> str:
        """How the language writes a percentage, «#» for the number («# %» in Spanish, «#%» in English): the
        grid's script writes its live values with it (core.numbers.format_percent)."""
        return format_percent(1).replace("1", "#", 1)


class ResultAnalysisForm(forms.Form):
    causes = forms.CharField(
        label=_("Causas del resultado"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text=_("Por qué no se alcanzó la meta (o por qué se superó con holgura)."),
    )
    external_causes = forms.BooleanField(
        label=_("Son causas externas a la institución"),
        required=False,
        help_text=_("DIPRES puede aceptarlas y excluir el indicador del cumplimiento institucional."),
    )
    overachievement_justification = forms.CharField(
        label=_("Justificación del sobrecumplimiento"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)  # the analysis's, as the page showed it

    def __init__(self, *args, needs_causes: bool = False, needs_justification: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_causes, self.needs_justification = needs_causes, needs_justification

    def clean(self):
        data = super().clean()
        if self.needs_causes and not (data.get("causes") or "").strip():
            self.add_error("causes", _("El indicador no alcanzó la meta: indique las causas."))
        if self.needs_justification and not (data.get("overachievement_justification") or "").strip():
            self.add_error(
                "overachievement_justification", _("El resultado supera el umbral de sobrecumplimiento: justifíquelo.")
            )
        if data.get("external_causes") and not (data.get("causes") or "").strip():
            self.add_error("causes", _("Describa las causas externas."))
        return data


class ImprovementCommitmentForm(forms.Form):
    description = forms.CharField(
        label=_("Compromiso de mejora"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    owner = forms.CharField(label=_("Responsable"), max_length=200)
    due_date = forms.DateField(
        label=_("Fecha comprometida"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y"],
    )

    def __init__(self, *args, **kwargs):
        # Its own ids: the indicator's page also shows the evidence form, which has a «description» too.
        kwargs.setdefault("auto_id", "commitment-%s")
        super().__init__(*args, **kwargs)


class FollowUpForm(forms.Form):
    status = forms.ChoiceField(label=_("Estado"), choices=CommitmentStatus.choices)
    follow_up = forms.CharField(
        label=_("Seguimiento"), required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)  # the commitment's, as the page showed it


class LimitedUploadForm(forms.Form):
    """A form whose `file` the upload handler may have stopped past the size limit (core.uploads).

    The person then reads only that the file is too large: the handler drops the file and whatever
    followed it in the request, so «required» would be wrong. A file that arrived whole is held to the
    same limit, with the same message.
    """

    too_large_message = ""

    def __init__(self, *args, too_large: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        if too_large:
            for field in self.fields.values():
                field.required = False

    def max_bytes(self) -> int:
        return settings.EVIDENCE_MAX_BYTES

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if self.too_large or (upload is not None and upload.size > self.max_bytes()):
            limit = format_number(Decimal(self.max_bytes()) / 2**20)
            raise forms.ValidationError(self.too_large_message % {"limit": limit}, code="too_large")
        return upload


class EvidenceForm(LimitedUploadForm):
    too_large_message = _("El archivo supera el máximo de %(limit)s MB; no se guardó.")
    year = forms.TypedChoiceField(label=_("Año"), coerce=int)
    file = forms.FileField(
        label=_("Archivo"),
        help_text=_("PDF, XLSX, DOCX, PNG o JPG; el tipo se verifica por su contenido."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.xlsx,.docx,.png,.jpg,.jpeg"}),
    )
    description = forms.CharField(label=_("Descripción"), required=False, max_length=300)

    def __init__(self, *args, years: list[int], **kwargs):
        kwargs.setdefault("auto_id", "evidence-%s")  # its own ids: see ImprovementCommitmentForm
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(year, str(year)) for year in years]
        self.fields["year"].initial = years[-1] if years else None


class ReasonForm(forms.Form):
    comment = forms.CharField(
        label=_("Comentario"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )


class SpreadsheetForm(LimitedUploadForm):
    too_large_message = _("El archivo supera el máximo de %(limit)s MB; no se leyó.")
    file = forms.FileField(
        label=_("Planilla Formulario H (.xlsx)"),
        help_text=_("La plantilla descargada desde esta página, con los valores completados."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def max_bytes(self) -> int:
        return min(settings.EVIDENCE_MAX_BYTES, spreadsheets.MAX_FILE_BYTES)


class SpreadsheetApplyForm(forms.Form):
    """For each figure someone else changed since the spreadsheet was downloaded, which value stays: the
    stored one (the default) or the file's; `all` decides them all at once."""

    all = forms.ChoiceField(
        label=_("Para todos"),
        required=False,
        initial="",
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        choices=[
            ("", _("Elegir celda por celda")),
            (KEEP, _("Mantener todos los valores actuales")),
            (TAKE, _("Usar todos los valores del archivo")),
        ],
    )

    def __init__(self, *args, log: ImportLog, **kwargs):
        super().__init__(*args, **kwargs)
        self.can_apply = bool(log.changes) and not log.errors
        self.changes = [c for c in log.changes if not c.get("conflict")]
        self.conflicts = [c for c in log.changes if c.get("conflict")]
        for change in self.conflicts:
            self.fields[f"c-{change['id']}"] = forms.ChoiceField(
                label=_("%(cell)s: %(code)s %(year)s")
                % {"cell": change["cell"], "code": change["code"], "year": change["year"]},
                required=False,
                initial=KEEP,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                choices=[(KEEP, _("Mantener el actual")), (TAKE, _("Usar el del archivo"))],
            )

    def conflict_rows(self) -> list[tuple[dict, forms.BoundField, datetime | None]]:
        """Return each conflict with its choice and when the stored value was last changed, for the page."""
        return [
            (change, self[f"c-{change['id']}"], parse_datetime(change["conflict"].get("at") or ""))
            for change in self.conflicts
        ]

    def choices(self) -> dict[str, str]:
        """Return the choice per conflict id (call after is_valid()); a conflict left without one is absent."""
        every = self.cleaned_data.get("all")
        chosen = {c["id"]: every or self.cleaned_data.get(f"c-{c['id']}") for c in self.conflicts}
        return {key: value for key, value in chosen.items() if value}


class BudgetForm(forms.Form):
    """The region's products' budgets in a cycle's year: allocated and executed (whole M$) and the output
    delivered, each with the version of the stored budget the page showed."""

    def __init__(self, *args, products: list[StrategicProduct], budgets: dict[int, ProductBudget], **kwargs):
        super().__init__(*args, **kwargs)
        self.products, self.budgets = products, budgets
        for product in products:
            budget = budgets.get(product.pk)
            for name in AMOUNTS:
                field = LocalDecimalField(decimals=0, error_messages=self.WHOLE_MESSAGES)
                value = getattr(budget, name) if budget else None
                field.initial = "" if value is None else format_number(value, 0)
                self.fields[f"p{product.pk}_{name}"] = field
            self.fields[f"p{product.pk}_v"] = forms.IntegerField(
                widget=forms.HiddenInput, initial=budget.version if budget else 0, min_value=0
            )

    LABELS = COLUMNS
    # Amounts (M$) and units delivered are whole: the examples say so.
    WHOLE_MESSAGES = {
        "invalid": _("Escriba un número entero, por ejemplo 1.078."),
        "ambiguous": _("El punto separa miles (1.078): escriba un número entero, sin decimales."),
    }

    def rows(self) -> list[dict]:
        """Return each product with its stored budget, its three fields (with their column's label) and its
        hidden version, for the template."""
        return [
            {
                "product": product,
                "budget": self.budgets.get(product.pk),
                "fields": [(self[f"p{product.pk}_{name}"], self.LABELS[name]) for name in AMOUNTS],
                "over_executed": over_executed(self.budgets.get(product.pk)),
                "version": self[f"p{product.pk}_v"],
            }
            for product in self.products
        ]

    def budget_inputs(self) -> list[BudgetInput]:
        data = self.cleaned_data
        return [
            BudgetInput(
                product=product,
                allocated=data.get(f"p{product.pk}_allocated"),
                executed=data.get(f"p{product.pk}_executed"),
                output=data.get(f"p{product.pk}_output"),
                version=data.get(f"p{product.pk}_v") or 0,
            )
            for product in self.products
        ]

    def add_budget_errors(self, error: BudgetErrors) -> None:
        for product_id, fields in error.by_product.items():
            for name, messages in fields.items():
                for message in messages:
                    self.add_error(f"p{product_id}_{name if name in AMOUNTS else 'allocated'}", message)


class VersionedForm(forms.Form):
    """A form on a row that carries the version of the row the page showed (0: none yet)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, initial=0)


class MissionForm(VersionedForm):
    mission = forms.CharField(
        label=_("Misión institucional"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
        help_text=_("La razón de ser del Gobierno Regional: qué hace, para quién y con qué fin."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "mission-%s")
        super().__init__(*args, **kwargs)


class ObjectiveForm(VersionedForm):
    number = forms.IntegerField(label=_("Número"), min_value=1, max_value=99)
    description = forms.CharField(
        label=_("Objetivo estratégico"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )
    products = forms.MultipleChoiceField(
        label=_("Productos estratégicos que lo sirven"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, products: list[StrategicProduct], prefix_id: str = "new", **kwargs):
        kwargs.setdefault("auto_id", f"objective-{prefix_id}-%s")
        super().__init__(*args, **kwargs)
        self.products_by_id = {str(product.pk): product for product in products}
        self.fields["products"].choices = [(str(product.pk), str(product)) for product in products]

    def chosen_products(self) -> list[StrategicProduct]:
        return [self.products_by_id[pk] for pk in self.cleaned_data["products"]]


class ObjectiveAxesForm(VersionedForm):
    axes = forms.MultipleChoiceField(
        label=_("Ejes prioritarios que sirve"), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, axes: list, prefix_id: str, **kwargs):
        kwargs.setdefault("auto_id", f"axes-{prefix_id}-%s")
        super().__init__(*args, **kwargs)
        self.axes_by_id = {str(axis.pk): axis for axis in axes}
        self.fields["axes"].choices = [(str(axis.pk), axis.label) for axis in axes]

    def chosen_axes(self) -> list:
        return [self.axes_by_id[pk] for pk in self.cleaned_data["axes"]]


class MediumTermTargetForm(VersionedForm):
    objective = forms.TypedChoiceField(label=_("Objetivo estratégico"), coerce=int)
    indicator = forms.TypedChoiceField(label=_("Indicador que la mide"), coerce=int)
    year = forms.IntegerField(label=_("Año"), max_value=2100)
    value = LocalDecimalField(
        label=_("Valor meta"), required=True, help_text=_("En la unidad del indicador (por ejemplo 98 para 98 %).")
    )
    notes = forms.CharField(label=_("Notas"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 1}))

    def __init__(
        self, *args, objectives: list, indicators: list[Indicator], cycle_year: int, prefix_id: str = "new", **kwargs
    ):
        kwargs.setdefault("auto_id", f"target-{prefix_id}-%s")
        super().__init__(*args, **kwargs)
        self.objectives = {objective.pk: objective for objective in objectives}
        self.indicators = {indicator.pk: indicator for indicator in indicators}
        self.fields["objective"].choices = [(o.pk, f"{o.number}. {o.description[:80]}") for o in objectives]
        self.fields["indicator"].choices = [(i.pk, f"{i.code} · {i.name[:80]}") for i in indicators]
        self.fields["year"].min_value = cycle_year + 1
        self.fields["year"].validators.append(MinValueValidator(cycle_year + 1))
        self.fields["year"].widget.attrs["min"] = cycle_year + 1
        self.fields["year"].help_text = _("Un año posterior al ciclo (%(year)s).") % {"year": cycle_year}
        # The value has the indicator's decimals (the service checks them): with fewer than three, «1.500» is
        # thousands, not a number with two readings.
        chosen = self.indicators.get(_as_int(self.data.get(self.add_prefix("indicator")))) if self.is_bound else None
        if chosen is not None:
            self.fields["value"].reading_decimals = chosen.decimals
