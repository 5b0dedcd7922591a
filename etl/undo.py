"""Undoing an import: the rows it updated restored, the rows it inserted deleted, in one transaction, refused
(with the features named) where any of them was edited since."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.db import connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import GeneratedField, Model
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext

from etl.models import ImportedRowBefore, ImportRecord
from etl.targets import TARGETS
from gisportal.accounts import roles
from gisportal.api import tiles
from layers import selectors
from layers.selectors import MUNICIPALITY_PATH, Scope

quote = connection.ops.quote_name
BEFORE = ImportedRowBefore._meta.db_table
RECORDS = ImportRecord._meta.db_table
# The rows of an import (inserted ones through the primary key's index, then the exact ranges).
INSERTED = f"""FROM {RECORDS} r JOIN {{table}} t ON t.id >= lower(r.inserted) AND t.id < upper(r.inserted)
               AND t.id <@ r.inserted WHERE r.id = %s"""


@dataclass
class UndoRefused(Exception):
    reason: str
    feature_ids: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        shown = ", ".join(map(str, self.feature_ids[:50])) + (" …" if len(self.feature_ids) > 50 else "")
        return f"{self.reason}: {shown}" if shown else self.reason


@dataclass
class UndoSummary:
    deleted: int
    restored: int

    def line(self) -> str:
        return gettext("%(deleted)s deleted, %(restored)s restored") % {
            "deleted": self.deleted,
            "restored": self.restored,
        }


def may_undo(record: ImportRecord, user: User) -> bool:
    """Staff who may edit every row the import wrote, as it is now and as it was before (a planner: rows of her
    municipalities only); the national tables, only the administrator."""
    if not user.is_staff:
        return False
    model = TARGETS[record.layer].model
    extent = selectors.scope(model, user, for_edit=True)
    if extent is Scope.ALL:
        return True
    if extent is Scope.NONE or MUNICIPALITY_PATH.get(model) != "municipality":
        return False
    mine = sorted(roles.municipality_ids(user))
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"""SELECT EXISTS (SELECT 1 {INSERTED.format(table=table)}
                               AND coalesce(t.municipality_id <> ALL(%s::bigint[]), true))
                    OR EXISTS (SELECT 1 FROM {BEFORE} b LEFT JOIN {table} t ON t.id = b.feature_id
                               WHERE b.record_id = %s
                                 AND (coalesce((b.state->>'municipality_id')::bigint <> ALL(%s::bigint[]), true)
                                      OR t.municipality_id <> ALL(%s::bigint[])))""",  # noqa: S608
            [record.pk, mine, record.pk, mine, mine],
        )
        return not cursor.fetchone()[0]


def _edited_since(cursor: CursorWrapper, record: ImportRecord, table: str) -> list[int]:
    """Rows the import wrote that no longer carry its transaction id (edited, by anyone, or deleted if updated),
    unless the undo of a later import gave them back to it."""
    ours = f"""(t.xmin::text::bigint = %s OR EXISTS (
        SELECT 1 FROM {BEFORE} later JOIN {RECORDS} l ON l.id = later.record_id
        WHERE later.feature_id = t.id AND l.undone_xid = t.xmin::text::bigint AND later.previous_xid = %s))"""  # noqa: S608
    xid = record.writer_xid
    cursor.execute(
        f"""SELECT t.id {INSERTED.format(table=table)} AND NOT coalesce({ours}, false)
            UNION
            SELECT b.feature_id FROM {BEFORE} b LEFT JOIN {table} t ON t.id = b.feature_id
            WHERE b.record_id = %s AND (t.id IS NULL OR NOT coalesce({ours}, false))
            ORDER BY 1""",  # noqa: S608
        [record.pk, xid, xid, record.pk, xid, xid],
    )
    return [row[0] for row in cursor.fetchall()]


def _in_use(cursor: CursorWrapper, record: ImportRecord, model: type[Model]) -> list[int]:
    """Inserted rows that other rows now point at (a complaint's asset, a route's stop): deleting them would break
    those."""
    table = model._meta.db_table
    references: list[tuple[str, str]] = []
    for relation in model._meta.related_objects:
        if relation.many_to_many:
            through = relation.through._meta  # type: ignore[attr-defined]
            references.append((through.db_table, relation.field.m2m_reverse_name()))  # type: ignore[attr-defined]
        elif getattr(relation.field, "db_constraint", False):
            references.append((relation.related_model._meta.db_table, str(relation.field.column)))  # type: ignore[union-attr]
    for m2m in model._meta.many_to_many:
        references.append((m2m.remote_field.through._meta.db_table, m2m.m2m_column_name()))  # type: ignore[attr-defined, union-attr]
    found: set[int] = set()
    for other, column in references:
        cursor.execute(
            f"SELECT DISTINCT o.{quote(column)} FROM {other} o WHERE o.{quote(column)} IN (SELECT t.id "  # noqa: S608
            f"{INSERTED.format(table=table)})",
            [record.pk],
        )
        found.update(row[0] for row in cursor.fetchall())
    return sorted(found)


def undo_import(*, record_id: int, user: User | None) -> UndoSummary:
    """Undo one import; raise UndoRefused (nothing changed) where a row was edited since or is in use."""
    with transaction.atomic():
        record = ImportRecord.objects.select_for_update().get(pk=record_id)
        if record.undone_at is not None:
            undone = date_format(localtime(record.undone_at), "SHORT_DATETIME_FORMAT")
            raise UndoRefused(gettext("This import was already undone on %(date)s") % {"date": undone})
        model = TARGETS[record.layer].model
        table = model._meta.db_table
        with connection.cursor() as cursor:
            # No one edits the layer between the check and the restore.
            cursor.execute(f"LOCK TABLE {table} IN SHARE ROW EXCLUSIVE MODE")
            edited = _edited_since(cursor, record, table)
            if edited:
                raise UndoRefused(gettext("Not undone: these features were edited since the import"), edited)
            in_use = _in_use(cursor, record, model)
            if in_use:
                raise UndoRefused(gettext("Not undone: other records now refer to these imported features"), in_use)
            columns = [
                quote(str(f.column))
                for f in model._meta.concrete_fields
                if not f.primary_key and not isinstance(f, GeneratedField)
            ]
            cursor.execute(
                f"""UPDATE {table} t SET ({", ".join(columns)}) = ROW({", ".join(f"p.{c}" for c in columns)})
                    FROM {BEFORE} b CROSS JOIN LATERAL jsonb_populate_record(NULL::{table}, b.state) p
                    WHERE b.record_id = %s AND t.id = b.feature_id""",  # noqa: S608
                [record.pk],
            )
            restored = cursor.rowcount
            cursor.execute(f"DELETE FROM {table} WHERE id IN (SELECT t.id {INSERTED.format(table=table)})", [record.pk])  # noqa: S608
            deleted = cursor.rowcount
            # Written in the undo's transaction: the record's new xmin is the id the restored rows carry.
            cursor.execute(
                f"UPDATE {RECORDS} SET undone_at = %s, undone_by_id = %s WHERE id = %s RETURNING xmin::text::bigint",  # noqa: S608
                [timezone.now(), user.pk if user else None, record.pk],
            )
            cursor.execute(f"UPDATE {RECORDS} SET undone_xid = %s WHERE id = %s", [cursor.fetchone()[0], record.pk])  # noqa: S608
        transaction.on_commit(lambda: tiles.model_changed(model))
    return UndoSummary(deleted=deleted, restored=restored)
