"""Loads fixtures (by default the document's: regions, 2012 cycle, GORE Antofagasta, Coquimbo, Biobío) without
ever overwriting what exists.

Each row of a fixture is found by its natural key. A missing row is created, with a baseline «carga inicial»
in its audit history, so that the first later change shows what it replaced. A row that exists is left
exactly as it is, whoever changed it since (an analyst's figure, DIPRES's stage, an admin's rule): where its
stored values differ from the fixture's, the command names them (model, natural key, field: stored and
fixture's), since a correction to data already loaded is a data migration, not a reload. A many-to-many link
counts as differing when a link of the fixture is missing; links added later are new data, as new rows are.
A row whose history ends in its deletion is not created again. Loading twice changes nothing.

Only JSON fixtures (the project's), found as loaddata finds them: FIXTURE_DIRS, then each app's fixtures/.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.exceptions import ObjectDoesNotExist
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.core.serializers.base import DeserializationError, DeserializedObject
from django.db import connection, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from simple_history.models import registered_models
from simple_history.utils import get_history_manager_for_model

from core.numbers import format_number
from evaluation.versions import raise_everything

DOCUMENT_FIXTURES = ["regions", "cycles", "gore_antofagasta", "gore_coquimbo", "gore_biobio"]


@dataclass(frozen=True)
class Difference:
    """A row that exists and whose stored values differ from the fixture's: (field, stored, fixture's)."""

    model: str
    key: str
    fields: list[tuple[str, str, str]]


@dataclass
class Loaded:
    created: int = 0
    kept: int = 0
    differences: list[Difference] = field(default_factory=list)
    deleted: list[tuple[str, str]] = field(default_factory=list)  # (model, natural key) not created again


def _fixture_files(label: str) -> list[Path]:
    """Return the JSON files a fixture label names, as loaddata looks for them."""
    name = label if label.endswith(".json") else f"{label}.json"
    if Path(name).is_absolute() or Path(name).parent != Path("."):
        found = [Path(name)] if Path(name).is_file() else []
    else:
        directories = [Path(d) for d in settings.FIXTURE_DIRS]
        directories += [Path(app.path) / "fixtures" for app in apps.get_app_configs()]
        found = [directory / name for directory in directories if (directory / name).is_file()]
    if not found:
        raise CommandError(_("No hay un fixture «%(label)s» (JSON).") % {"label": label})
    return found


def _rows(path: Path) -> list[dict]:
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise CommandError(_("No se pudo leer %(path)s: %(error)s") % {"path": path, "error": error}) from error
    if not isinstance(rows, list):
        raise CommandError(_("%(path)s no es una lista de filas.") % {"path": path})
    return rows


def _deserialize(row: dict, *, forward: bool) -> DeserializedObject:
    """Return the fixture row as an unsaved instance, its primary key that of the stored row when one has its
    natural key."""
    return next(iter(serializers.deserialize("python", [row], handle_forward_references=forward)))


def _key(instance: models.Model) -> str:
    if hasattr(instance, "natural_key"):
        return " · ".join(str(part) for part in instance.natural_key())
    return str(instance.pk)


def _shown(model_field: models.Field, value) -> str:
    """Return a stored or fixture value as the command prints it."""
    if value is None:
        return "—"
    if model_field.is_relation:
        related = model_field.related_model._base_manager.filter(pk=value).first()
        return _key(related) if related is not None else str(value)
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, Decimal):
        return format_number(value)
    return f"«{value}»" if isinstance(value, str) else str(value)


def _links(model_field: models.ManyToManyField, ids) -> str:
    related = model_field.related_model._base_manager.filter(pk__in=list(ids))
    return "[" + ", ".join(sorted(_key(row) for row in related)) + "]"


def _difference(row: dict) -> Difference | None:
    """Return how the stored row differs from the fixture's, in the fields the fixture gives; None if it does
    not."""
    loaded = _deserialize(row, forward=True)
    model = type(loaded.object)
    stored = model._base_manager.get(pk=loaded.object.pk)
    missing = {model_field.name for model_field in loaded.deferred_fields}  # refers to a row deleted since
    changes = []
    for name in row.get("fields", {}):
        model_field = model._meta.get_field(name)
        if name in missing:
            value = row["fields"][name]
            changes.append((name, _shown(model_field, getattr(stored, model_field.attname, None)), str(value)))
            continue
        if model_field.many_to_many:
            wanted = set(loaded.m2m_data.get(name, []))
            present = set(getattr(stored, name).values_list("pk", flat=True))
            if not wanted <= present:
                changes.append((name, _links(model_field, present), _links(model_field, wanted)))
            continue
        ours, theirs = getattr(stored, model_field.attname), getattr(loaded.object, model_field.attname)
        if ours != theirs:
            changes.append((name, _shown(model_field, ours), _shown(model_field, theirs)))
    return Difference(model._meta.label_lower, _key(stored), changes) if changes else None


def _deleted_keys(model: type[models.Model], cache: dict) -> set[tuple]:
    """Return the natural keys of the model's rows whose history records a deletion."""
    if model not in cache:
        keys = set()
        if hasattr(model, "natural_key") and hasattr(model._meta, "simple_history_manager_attribute"):
            for record in get_history_manager_for_model(model).filter(history_type="-"):
                try:
                    keys.add(tuple(record.instance.natural_key()))
                except ObjectDoesNotExist:
                    continue  # its parent went too: the parent's own deletion is what keeps it out
        cache[model] = keys
    return cache[model]


def _depends_on(row: dict, skipped: set[tuple]) -> tuple | None:
    """Return the natural key of the row not created again that the fixture row refers to, if any."""
    values = row.get("fields", {}).values()
    return next((tuple(v) for v in values if isinstance(v, list) and tuple(v) in skipped), None)


def load(labels: list[str]) -> Loaded:
    """Create the fixtures' missing rows (raw saves, as loaddata's) and compare the existing ones; return what
    happened. Rows deleted since they were loaded, and rows under them, are not created again."""
    result = Loaded()
    created: list[DeserializedObject] = []
    existing: list[dict] = []
    deleted: dict = {}
    skipped: set[tuple] = set()
    explicit_keys: set[type[models.Model]] = set()
    for label in labels:
        for path in _fixture_files(label):
            for row in _rows(path):
                try:
                    loaded = _deserialize(row, forward=True)
                except (DeserializationError, ObjectDoesNotExist):
                    parent = _depends_on(row, skipped)
                    if parent is None:
                        raise
                    under = _("de %(key)s") % {"key": " · ".join(str(part) for part in parent)}
                    result.deleted.append((row["model"], under))
                    continue
                instance = loaded.object
                model = type(instance)
                if instance.pk is not None and model._base_manager.filter(pk=instance.pk).exists():
                    existing.append(row)
                    continue
                if hasattr(instance, "natural_key"):
                    key = tuple(instance.natural_key())
                    if key in _deleted_keys(model, deleted):
                        skipped.add(key)
                        result.deleted.append((model._meta.label_lower, _key(instance)))
                        continue
                if "pk" in row:
                    explicit_keys.add(model)
                loaded.save()
                created.append(loaded)
    for loaded in created:
        if loaded.deferred_fields:
            loaded.save_deferred_fields()
    if explicit_keys:
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), list(explicit_keys)):
                cursor.execute(statement)
    result.created = len(created)
    result.kept = len(existing)
    result.differences = [d for d in (_difference(row) for row in existing) if d is not None]
    return result


def baseline() -> int:
    """Record «carga inicial» in the audit history of every row that has none yet; return how many."""
    count = 0
    for model in registered_models.values():
        if not hasattr(model._meta, "simple_history_manager_attribute"):
            continue  # a many-to-many through table: its rows are recorded with their owner
        history = get_history_manager_for_model(model)
        with_history = set(history.values_list(model._meta.pk.attname, flat=True).distinct())
        missing = [obj for obj in model._default_manager.all() if obj.pk not in with_history]
        if missing:
            history.bulk_history_create(missing, default_change_reason=_("carga inicial"))
            count += len(missing)
    return count


class Command(BaseCommand):
    help = _(
        "Carga los datos del documento fuente (o los fixtures indicados) que falten, con su línea base de "
        "auditoría; lo que ya existe no se toca y se informa en qué difiere del fixture."
    )

    def add_arguments(self, parser):
        parser.add_argument("fixtures", nargs="*", help=_("Fixtures a cargar; por defecto, los del documento."))

    @transaction.atomic
    def handle(self, *args, fixtures=None, **options):
        result = load(fixtures or DOCUMENT_FIXTURES)
        if result.created:
            raise_everything()  # raw saves raise no version: any region's pages may show what was created
        recorded = baseline()
        if not options["verbosity"]:
            return
        self.report(result)
        self.stdout.write(
            ngettext(
                "Línea base de auditoría: %(count)s registro.",
                "Línea base de auditoría: %(count)s registros.",
                recorded,
            )
            % {"count": recorded}
        )

    def report(self, result: Loaded) -> None:
        if result.differences:
            self.stdout.write(
                _(
                    "Filas que ya existían y difieren del fixture (se dejaron como están; un dato del documento "
                    "ya cargado se corrige con una migración de datos):"
                )
            )
            for difference in result.differences:
                changes = "; ".join(
                    _("%(field)s: guardado %(stored)s, fixture %(fixture)s")
                    % {"field": name, "stored": stored, "fixture": fixture}
                    for name, stored, fixture in difference.fields
                )
                self.stdout.write(f"  {difference.model} {difference.key}: {changes}")
        if result.deleted:
            self.stdout.write(_("Filas borradas después de cargarse, que no se vuelven a crear:"))
            for model, key in result.deleted:
                self.stdout.write(f"  {model} {key}")
        self.stdout.write(
            _(
                "Fixtures: creadas %(created)s; ya existían y se dejaron como estaban %(kept)s, distintas del "
                "fixture %(differing)s; borradas, no se vuelven a crear %(deleted)s."
            )
            % {
                "created": result.created,
                "kept": result.kept,
                "differing": len(result.differences),
                "deleted": len(result.deleted),
            }
        )
