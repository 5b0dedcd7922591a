"""Where imports meet the layers' simple-history: an import writes no version per row (its record, etl.models.
ImportRecord, is their first version); the state a change replaces is written as a version just before the change,
by an import's update or by the first edit of an imported feature (etl.record), so that every state stays restorable.
"""

from __future__ import annotations

from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.db.models import Model
from simple_history.models import HistoricalRecords

quote = connection.ops.quote_name  # the models' own column names

# What simple-history adds to the model's own columns.
HISTORY_FIELDS = {"history_id", "history_date", "history_change_reason", "history_type", "history_user"}
# A state with no import to date it (loaded before history was kept): dated just before the change.
BEFORE = "now() - interval '1 millisecond'"


def reserve_ids(cursor: CursorWrapper, table: str, column: str, count: int) -> int:
    """Move the sequence of `table.column` past `count` values and return the one before them: the caller
    numbers its rows base + 1 to base + count itself. Only safe while the table is locked against other writers."""
    cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
    (sequence,) = cursor.fetchone()
    cursor.execute("SELECT nextval(%s::regclass) - 1", [sequence])
    (base,) = cursor.fetchone()
    cursor.execute("SELECT setval(%s::regclass, %s)", [sequence, base + count])
    return int(base)


# SQL built from model metadata (quoted identifiers); every value is a query parameter.
class History:
    """The historical table of a layer's model, and the statements that fill it from the layer table."""

    def __init__(self, model: type[Model]) -> None:
        historical = model.history.model  # type: ignore[attr-defined]
        self.table = model._meta.db_table
        self.historical_table = historical._meta.db_table
        own = {f.column for f in model._meta.concrete_fields}
        # Excluded fields (District.marginalisation_score) are not in the historical model: never named here.
        fields = historical._meta.concrete_fields
        self.columns = [quote(f.column) for f in fields if f.name not in HISTORY_FIELDS and f.column in own]
        self.user_column = quote(historical._meta.get_field("history_user").column)
        # Many-to-many fields kept in history (a route's service points): their links go with each version.
        self.links: list[tuple[str, str, str, list[str]]] = []
        for field in getattr(historical, "_history_m2m_fields", []):
            through = field.remote_field.through._meta
            versions = HistoricalRecords.m2m_models[field]._meta
            shared = {f.column for f in through.concrete_fields} & {f.column for f in versions.concrete_fields}
            source = quote(field.m2m_column_name())
            self.links.append((versions.db_table, through.db_table, source, [quote(c) for c in sorted(shared)]))

    @classmethod
    def of(cls, model: type[Model]) -> History | None:
        return cls(model) if hasattr(model, "history") else None

    def _versions(self, cursor: CursorWrapper, rows: str, params: list[str | int | None]) -> int:
        """One statement: the versions `rows` selects (the model's columns, then the four history values), and the
        many-to-many links of each."""
        insert = f"""INSERT INTO {self.historical_table}
            ({", ".join(self.columns)}, history_date, history_change_reason, history_type, {self.user_column})
            {rows}"""
        if not self.links:
            cursor.execute(insert, params)
            return cursor.rowcount
        links = [
            f"""link_{i} AS (INSERT INTO {table} (history_id, {", ".join(shared)})
                SELECT v.history_id, {", ".join(f"l.{c}" for c in shared)}
                FROM versions v JOIN {through} l ON l.{source} = v.id)"""  # noqa: S608
            for i, (table, through, source, shared) in enumerate(self.links)
        ]
        cursor.execute(
            f"""WITH versions AS ({insert} RETURNING history_id, id),
                {", ".join(links)}
                SELECT count(*) FROM versions""",  # noqa: S608
            params,
        )
        return int(cursor.fetchone()[0])

    def first_versions(self, cursor: CursorWrapper, ids: str, params: list[int]) -> int:
        """The rows among `ids` (a subquery) whose state has no version yet, as a version each: a row an import
        wrote (its xmin is that import's transaction) by that import's file, user and date; a row with no version at
        all (loaded before history was kept) as it is now. Called before a change, so that the state it replaces
        stays restorable."""
        values = ", ".join(f"t.{c}" for c in self.columns)
        reason = "left('import ' || r.file_name, 100)"  # the history's reason column holds 100 characters
        rows = f"""SELECT {values}, coalesce(r.created_at, {BEFORE}), {reason}, '+', r.user_id
                   FROM {self.table} t
                   LEFT JOIN LATERAL (
                       SELECT r.created_at, r.file_name, r.user_id, r.writer_xid = t.xmin::text::bigint AS wrote_it
                       FROM etl_importrecord r
                       WHERE r.table_name = %s AND r.undone_at IS NULL
                         AND (r.writer_xid = t.xmin::text::bigint OR r.inserted @> t.id)
                       ORDER BY 4 DESC, r.created_at DESC LIMIT 1) r ON true
                   WHERE t.id IN ({ids}) AND (r.wrote_it OR NOT EXISTS
                       (SELECT 1 FROM {self.historical_table} h WHERE h.id = t.id))"""  # noqa: S608
        return self._versions(cursor, rows, [self.table, *params])
