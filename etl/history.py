"""An import's trace in the layers' simple-history tables, written in SQL inside the import's transaction:
one '+' row per inserted row, one '~' row per updated row, and the version before an update kept too.
"""

from __future__ import annotations

from django.db import connection
from django.db.backends.utils import CursorWrapper
from django.db.models import Model
from simple_history.models import HistoricalRecords

quote = connection.ops.quote_name  # the models' own column names

# What simple-history adds to the model's own columns.
HISTORY_FIELDS = {"history_id", "history_date", "history_change_reason", "history_type", "history_user"}
# An import's version before an update that had no history yet: dated just before the import's own rows.
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

    def __init__(self, model: type[Model], table: str, reason: str, user_id: int | None) -> None:
        historical = model.history.model  # type: ignore[attr-defined]
        self.table = table
        self.historical_table = historical._meta.db_table
        own = {f.column for f in model._meta.concrete_fields}
        # Excluded fields (District.marginalisation_score) are not in the historical model: never named here.
        fields = historical._meta.concrete_fields
        self.columns = [quote(f.column) for f in fields if f.name not in HISTORY_FIELDS and f.column in own]
        self.user_column = quote(historical._meta.get_field("history_user").column)
        reason_length = historical._meta.get_field("history_change_reason").max_length or 100
        self.reason = reason[:reason_length]
        self.user_id = user_id
        # Many-to-many fields kept in history (a route's service points): their links go with each version.
        self.links: list[tuple[str, str, str, list[str]]] = []
        for field in getattr(historical, "_history_m2m_fields", []):
            through = field.remote_field.through._meta
            versions = HistoricalRecords.m2m_models[field]._meta
            shared = {f.column for f in through.concrete_fields} & {f.column for f in versions.concrete_fields}
            source = quote(field.m2m_column_name())
            self.links.append((versions.db_table, through.db_table, source, [quote(c) for c in sorted(shared)]))

    @classmethod
    def of(cls, model: type[Model], table: str, reason: str, user_id: int | None) -> History | None:
        return cls(model, table, reason, user_id) if hasattr(model, "history") else None

    def _versions(
        self,
        cursor: CursorWrapper,
        rows: str,
        params: list[str | int | None],
        written: str = "",
        *,
        history_id: bool = False,
    ) -> int:
        """One statement: the versions `rows` selects (the version id when `history_id`, the model's columns, then
        the four history values), and the many-to-many links of each; `written` is an optional CTE `rows` reads."""
        columns = ["history_id", *self.columns] if history_id else self.columns
        insert = f"""INSERT INTO {self.historical_table}
            ({", ".join(columns)}, history_date, history_change_reason, history_type, {self.user_column})
            {rows}"""
        if not self.links:  # nothing to link to each version: no RETURNING to hold a million rows
            cursor.execute(f"WITH {written} {insert}" if written else insert, params)
            return cursor.rowcount
        links = [
            f"""link_{i} AS (INSERT INTO {table} (history_id, {", ".join(shared)})
                SELECT v.history_id, {", ".join(f"l.{c}" for c in shared)}
                FROM versions v JOIN {through} l ON l.{source} = v.id)"""  # noqa: S608
            for i, (table, through, source, shared) in enumerate(self.links)
        ]
        cursor.execute(
            f"""WITH {f"{written}, " if written else ""}versions AS ({insert} RETURNING history_id, id),
                {", ".join(links)}
                SELECT count(*) FROM versions""",  # noqa: S608
            params,
        )
        return int(cursor.fetchone()[0])

    def keep_before_update(self, cursor: CursorWrapper, ids: str) -> int:
        """Rows about to be updated that have no version yet (loaded before history was kept): their state now."""
        values = ", ".join(f"t.{c}" for c in self.columns)
        rows = f"""SELECT {values}, {BEFORE}, %s, '+', %s FROM {self.table} t
                   WHERE t.id IN (SELECT u.id FROM ({ids}) u
                                  WHERE NOT EXISTS (SELECT 1 FROM {self.historical_table} h WHERE h.id = u.id))"""  # noqa: S608
        return self._versions(cursor, rows, [self.reason, self.user_id])

    def record_range(self, cursor: CursorWrapper, base: int, count: int) -> int:
        """The rows a bulk load inserted under the ids it reserved (base + 1 to base + count), as '+' versions,
        numbered from a block of version ids reserved the same way."""
        # Only edits of this layer write its history, and the bulk load holds the layer: no one waits on this.
        cursor.execute(f"LOCK TABLE {self.historical_table} IN EXCLUSIVE MODE")
        versions = reserve_ids(cursor, self.historical_table, "history_id", count)
        values = ", ".join(f"t.{c}" for c in self.columns)
        rows = f"""SELECT t.id - %s + %s, {values}, now(), %s, '+', %s FROM {self.table} t
                   WHERE t.id BETWEEN %s AND %s"""  # noqa: S608
        params: list[str | int | None] = [base, versions, self.reason, self.user_id, base + 1, base + count]
        return self._versions(cursor, rows, params, history_id=True)

    def write(self, cursor: CursorWrapper, statement: str, kind: str) -> int:
        """Run `statement`, an INSERT or UPDATE of the layer aliased `t`, and record each row it wrote
        ('+' inserted, '~' updated) as it now is, in the same statement: the rows are read once."""
        returning = ", ".join(f"t.{c}" for c in self.columns)
        rows = f"SELECT {', '.join(self.columns)}, now(), %s, %s, %s FROM written"  # noqa: S608
        written = f"written AS ({statement} RETURNING {returning})"
        return self._versions(cursor, rows, [self.reason, kind, self.user_id], written)
