"""Audit records of bulk writes, written by the database.

django-simple-history keeps every model's history table and writes a record per save. For a bulk write its
`bulk_history_create` builds a model instance per record in Python and inserts them: for a spreadsheet of
50.000 figures that took longer than writing the figures. `record_history` writes the same records (the
tracked fields as they now are in the table, and who, when, why, how) with one INSERT … SELECT per batch of
rows, so the database copies the values and nothing is built in Python.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.contrib.auth.base_user import AbstractBaseUser
from django.db import connection
from django.db.models import Model
from django.utils import timezone

CREATED, CHANGED = "+", "~"  # simple-history's history_type values
BATCH = 900  # ids per statement: under SQLite's limit of bound parameters


def record_history(
    model: type[Model], ids: Sequence[int], *, user: AbstractBaseUser | None, reason: str, history_type: str
) -> None:
    """Write a history record for each of the model's rows with those ids, as they are now in the table: the
    same record simple-history writes on a save. Call in the writing transaction, after the write."""
    history = model.history.model
    tracked = [field.column for field in history.tracked_fields]
    columns = [*tracked, "history_date", "history_change_reason", "history_type", "history_user_id"]
    quote = connection.ops.quote_name
    reason = reason[: history._meta.get_field("history_change_reason").max_length]
    values = [timezone.now(), reason, history_type, user.pk if user is not None else None]
    with connection.cursor() as cursor:
        for start in range(0, len(ids), BATCH):
            batch = list(ids[start : start + BATCH])
            sql = (
                f"INSERT INTO {quote(history._meta.db_table)} ({', '.join(map(quote, columns))}) "  # noqa: S608
                f"SELECT {', '.join(map(quote, tracked))}, %s, %s, %s, %s FROM {quote(model._meta.db_table)} "
                f"WHERE {quote(model._meta.pk.column)} IN ({', '.join(['%s'] * len(batch))})"
            )
            cursor.execute(sql, [*values, *batch])


def bulk_save_with_history(
    model: type[Model], rows: Iterable[Model], fields: Sequence[str], *, user: AbstractBaseUser | None, reason: str
) -> None:
    """Insert the new rows and update the stored ones (their `fields`, and `version` one more) in bulk, each with
    its audit record. Bulk writes send no model signals: the caller raises the data versions they touch."""
    rows = list(rows)
    new = [row for row in rows if row.pk is None]
    changed = [row for row in rows if row.pk is not None]
    for row in changed:
        row.version += 1
    if new:
        model.objects.bulk_create(new, batch_size=1000)  # sets each one's id (PostgreSQL, SQLite ≥ 3.35)
        record_history(model, [row.pk for row in new], user=user, reason=reason, history_type=CREATED)
    if changed:
        model.objects.bulk_update(changed, [*fields, "version"], batch_size=1000)
        record_history(model, [row.pk for row in changed], user=user, reason=reason, history_type=CHANGED)
