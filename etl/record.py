"""An import's record in SQL, inside the import's transaction: the ids it inserted, the rows it updated as they were,
the transaction its rows carry; and what a feature's history makes of it (its first version, its page's note)."""

from __future__ import annotations

from functools import cache
from typing import Any

from django.contrib.auth.models import User
from django.contrib.gis.db.models import GeometryField
from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.db.models import BooleanField, Model, Q
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext

from etl.history import History
from etl.models import ImportedRowBefore, ImportRecord
from layers.history_notes import HistoryNote

quote = connection.ops.quote_name


def state_sql(model: type[Model], alias: str = "t") -> str:
    """A row of `model` as JSON, its geometries as hex EWKB (lossless, and what geometry input reads back)."""
    geometries = [str(f.column) for f in model._meta.concrete_fields if isinstance(f, GeometryField)]
    pairs = ", ".join(f"'{c}', encode(ST_AsEWKB({alias}.{quote(c)}), 'hex')" for c in geometries)
    return f"to_jsonb({alias}) || jsonb_build_object({pairs})" if pairs else f"to_jsonb({alias})"


def keep_before(cursor: CursorWrapper, record_id: int, model: type[Model], ids: str) -> None:
    """The rows among `ids` (a subquery) as they are before the import updates them: what its undo restores."""
    table = model._meta.db_table
    cursor.execute(
        f"""INSERT INTO {ImportedRowBefore._meta.db_table} (record_id, feature_id, state, previous_xid)
            SELECT %s, t.id, {state_sql(model)}, t.xmin::text::bigint FROM {table} t WHERE t.id IN ({ids})""",  # noqa: S608
        [record_id],
    )
    cursor.execute(
        f"UPDATE {ImportRecord._meta.db_table} SET updated_count = updated_count + %s WHERE id = %s",  # noqa: S608
        [cursor.rowcount, record_id],
    )


def note_inserted_range(
    cursor: CursorWrapper, record_id: int, base: int, count: int, inserted: int, left_out: str
) -> None:
    """A bulk load's ids: the block it reserved (base + 1 to base + count) less the rows `left_out` (a multirange of
    row numbers: row n would have been id base + n)."""
    cursor.execute(
        f"""UPDATE {ImportRecord._meta.db_table} SET inserted_count = %s,
                inserted = int8multirange(int8range(%s, %s)) - (
                    SELECT coalesce(range_agg(int8range(lower(r) + %s, upper(r) + %s)), '{{}}')
                    FROM unnest(%s::int8multirange) r)
            WHERE id = %s""",  # noqa: S608
        [inserted, base + 1, base + count + 1, base, base, left_out, record_id],
    )


def note_inserted(cursor: CursorWrapper, record_id: int, insert: str) -> int:
    """Run `insert` (an INSERT … RETURNING id) and keep the ids it wrote as ranges; returns how many."""
    cursor.execute(
        f"""WITH written AS ({insert})
            UPDATE {ImportRecord._meta.db_table}
            SET inserted = coalesce((SELECT range_agg(int8range(id, id + 1)) FROM written), '{{}}'),
                inserted_count = (SELECT count(*) FROM written)
            WHERE id = %s RETURNING inserted_count""",  # noqa: S608
        [record_id],
    )
    return int(cursor.fetchone()[0])


def finish(cursor: CursorWrapper, record_id: int, summary: str) -> None:
    """The summary, and the transaction id the import's rows carry (the record's own, written in the same one)."""
    cursor.execute(
        f"UPDATE {ImportRecord._meta.db_table} SET summary = %s WHERE id = %s RETURNING xmin::text::bigint",  # noqa: S608
        [summary[:300], record_id],
    )
    (xid,) = cursor.fetchone()
    cursor.execute(f"UPDATE {ImportRecord._meta.db_table} SET writer_xid = %s WHERE id = %s", [xid, record_id])  # noqa: S608


@cache
def _history(model: type[Model]) -> History:
    return History(model)


def keep_state_before_edit(sender: type[Model], instance: Model, raw: bool = False, **kwargs: Any) -> None:
    """pre_save: the first edit of a feature an import wrote keeps the imported state as a version first."""
    if raw or instance._state.adding or instance.pk is None:
        return
    with connection.cursor() as cursor:
        _history(sender).first_versions(cursor, "%s", [instance.pk])


def records_of(model: type[Model], pk: Any) -> list[ImportRecord]:
    """The imports that inserted or updated one feature, oldest first."""
    try:
        feature_id = int(pk)
    except (TypeError, ValueError):
        return []
    inserted = RawSQL("inserted @> %s::bigint", [feature_id], output_field=BooleanField())
    updated = ImportedRowBefore.objects.filter(feature_id=feature_id).values("record")
    return list(
        ImportRecord.objects.filter(Q(inserted) | Q(pk__in=updated), table_name=model._meta.db_table)
        .select_related("user", "undone_by")
        .annotate(was_inserted=inserted)
        .order_by("created_at")
    )


def _who(user: User | None) -> str:
    return user.get_username() if user else gettext("the gisportal command")


def history_notes(model: type[Model], pk: Any) -> list[HistoryNote]:
    """What the feature's history page says of its imports ("imported from FILE by X on DATE" first)."""
    notes = []
    for found in records_of(model, pk):
        values = {
            "file": found.file_name,
            "who": _who(found.user),
            "date": date_format(localtime(found.created_at), "SHORT_DATETIME_FORMAT"),
        }
        if found.was_inserted:  # type: ignore[attr-defined]
            text = gettext("Imported from %(file)s by %(who)s on %(date)s") % values
        else:
            text = gettext("Updated by the import of %(file)s by %(who)s on %(date)s") % values
        if found.undone_at:
            undone = {
                "who": _who(found.undone_by),
                "date": date_format(localtime(found.undone_at), "SHORT_DATE_FORMAT"),
            }
            text += " " + gettext("(undone by %(who)s on %(date)s)") % undone
        url = reverse("etl:job", args=[found.job_id]) if found.job_id else None
        notes.append(HistoryNote(text=text, url=url, when=found.created_at))
    return notes
