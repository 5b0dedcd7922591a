"""The write side of an import: rows checked as they are read (etl.checks), then, for a first bulk load into an
empty layer, copied straight into it, else into a table of checked rows where SQL finds duplicates, dissolved
parts and key conflicts and writes the layer (secondary indexes and foreign keys rebuilt after a bulk load); all
noted in the import's record.
"""

from __future__ import annotations

import io
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv
from django.db import IntegrityError, connection, transaction
from django.db.backends.utils import CursorWrapper
from django.db.models import ForeignKey
from django.utils.translation import gettext
from psycopg.copy import QueuedLibpqWriter

from etl import record
from etl.checks import Checker
from etl.history import History, reserve_ids
from etl.mapping import Mapper, Mapping
from etl.models import ImportJob
from etl.sources import Batch
from etl.summary import ImportFailed, ImportSummary, Progress
from etl.targets import DIMENSION, Target
from gisportal import spreadsheets

# Above this many new rows (and more than the layer holds), secondary indexes and foreign keys are
# dropped for the load and rebuilt after it.
BULK_ROWS = 50_000
# autovacuum_analyze_threshold and autovacuum_analyze_scale_factor as PostgreSQL ships them.
ANALYZE_THRESHOLD, ANALYZE_SCALE_FACTOR = 50, 0.1
BULK_MAINTENANCE_MEMORY = "1GB"
GRID = "1e-9"  # degrees: about 0.1 mm, well below any survey's precision
VALUE = "\x00"  # where a translated reason takes a value only the SQL knows (never reaches the database)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _said(reason: str, value: str | None = None) -> str:
    """A translated reason as SQL text, the SQL expression `value` where the reason has VALUE."""
    if value is None:
        return _literal(reason)
    before, after = reason.split(VALUE)
    return f"{_literal(before)} || {value} || {_literal(after)}"


class Loader:
    def __init__(
        self, target: Target, spec: Mapping, mapper: Mapper, municipality: str | None, update_on: list[str] | None
    ) -> None:
        self.target, self.spec, self.mapper = target, spec, mapper
        self.fields = mapper.field_names
        self.update_on = update_on
        for name in update_on or []:
            if name not in self.fields:
                raise ImportFailed(
                    gettext("--update-on %(field)s: the file gives no %(field)s to match on") % {"field": name}
                )
        self.municipality_id: int | None = None
        if municipality is not None:
            if not target.municipality_scoped:
                raise ImportFailed(
                    gettext("--municipality does not apply to the %(layer)s layer") % {"layer": target.name}
                )
            with connection.cursor() as cursor:
                cursor.execute("SELECT id FROM layers_municipality WHERE code = %s", [municipality])
                row = cursor.fetchone()
            if row is None:
                raise ImportFailed(gettext("no municipality with code %(code)s") % {"code": municipality})
            self.municipality_id = row[0]
        self.read = self.repaired = self.rejected = 0
        # Whether staged rows carry their place in the file (a filtered or a wide file), their number being new.
        self.placed = spec.where is not None or bool(mapper.wide)
        self.seconds: dict[str, float] = {}
        # Set by the pipeline: the import's record (its inserted ids and the rows it updated, as they were), and the
        # layer's simple-history where it keeps one (the state an update replaces becomes a version).
        self.record_id: int | None = None
        self.history: History | None = None
        self.progress: Progress | None = None
        self.checker = Checker(target, self.fields, self.municipality_id)

    def run(self, batches: Callable[[], Iterable[Batch]], total: int, progress: Progress | None) -> ImportSummary:
        """Read, check and write the file's `total` features; `batches` reads them from the start (twice where a
        first load meets two rows alike: the general path sorts them out)."""
        self.progress = progress
        with connection.cursor() as cursor:
            # PostGIS functions look costly to the planner, which then compiles every query with JIT: seconds lost.
            cursor.execute("SET LOCAL jit = off")
            # Grouping a million rows by content or key stays in memory instead of spilling to disk.
            cursor.execute("SET LOCAL work_mem = '256MB'")
            if self._straight_in(cursor, total) and (summary := self._load_straight(cursor, batches(), total)):
                return summary
            self._stage(cursor, batches(), total)
            return self._load_staged(cursor)

    def _step(self, phase: ImportJob.Phase) -> None:
        """The step the import starts, for its progress bar (after the last row read, the bar alone says nothing)."""
        if self.progress:
            self.progress.phase(phase)

    # -- reading and checking ----------------------------------------------------------------------

    def _checked(self, batches: Iterable[Batch], total: int, *, hashed: bool) -> Iterator[CheckedBatch]:
        """Each batch mapped and checked, as rows of etl_checked (with their content hash where `hashed`)."""
        self._step(ImportJob.Phase.READING)
        self.read = self.repaired = 0
        for batch in batches:
            mapped = self.mapper.apply(batch.attributes, batch.offset, batch.fids)
            rows = len(mapped.values)
            given = {name: pa.array(mapped.values[name], pa.string(), from_pandas=True) for name in self.fields}
            checked = self.checker.check(batch.wkb, given, mapped.reasons.to_numpy(dtype=object))
            numbers = np.arange(batch.offset + 1, batch.offset + 1 + rows, dtype=np.int64)
            content = _content_hash([*given.values(), batch.wkb]) if hashed or checked.shape is None else None
            columns = {
                "_row": pa.array(numbers),
                "_place": pa.nulls(rows, pa.string())
                if mapped.places is None
                else pa.array(mapped.places.to_numpy(dtype=object), pa.string()),
                "_content": pa.nulls(rows, pa.int64()) if content is None else pa.array(content),
                **given,
                **checked.ids,  # codes as the ids they name
                "geom": checked.geometry,
                "_repaired": pa.array(checked.repaired),
                "_reject": pa.array(checked.reasons, pa.string(), from_pandas=True),
            }
            rows_checked = pa.table({name: columns[name] for name, _ in self._checked_columns()})
            # Rows alike have the same geometry (or, in a table, the same content): what a first load compares.
            alike = checked.shape if content is None else content
            assert alike is not None
            yield CheckedBatch(rows_checked, numbers[checked.ambiguous], alike, checked.passing)
            self.read += rows
            self.repaired += int(checked.repaired.sum())
            if self.progress:
                self.progress(self.read, max(total, self.read))

    def _checked_columns(self) -> list[tuple[str, str]]:
        """etl_checked's columns: a row as checked, its values as given (text) but for the ids its codes name."""
        names = list(self.fields)
        if self.target.municipality_scoped and "municipality" not in names:
            names.append("municipality")
        values = [(n, "bigint" if n in self.checker.identified else "text") for n in names]
        return [
            ("_row", "bigint"), ("_place", "text"), ("_content", "bigint"), *values, ("geom", "geometry"),
            ("_repaired", "boolean"), ("_reject", "text"),
        ]  # fmt: skip

    def _create_checked(self, cursor: CursorWrapper) -> str:
        """The table of checked rows (empty); returns the COPY that fills it."""
        columns = self._checked_columns()
        cursor.execute("DROP TABLE IF EXISTS etl_checked")
        cursor.execute(
            f"""CREATE TEMPORARY TABLE etl_checked ({", ".join(f"{_q(n)} {t}" for n, t in columns)},
                _dropped boolean NOT NULL DEFAULT false) ON COMMIT DROP"""
        )
        return f"COPY etl_checked ({', '.join(_q(n) for n, _ in columns)}) FROM STDIN (FORMAT csv)"

    def _settle_ambiguous(self, cursor: CursorWrapper, rows: list[int], *, in_layer: bool) -> None:
        """Rows inside two boundaries (they overlap: not topologically clean) in the one municipality_at() says:
        rows of etl_checked by number, or of the layer by id."""
        if not rows:
            return
        table, key, column, geometry = "etl_checked", "_row", "municipality", "geom"
        if in_layer:
            table, key = self.target.table, "id"
            column, geometry = _q(self.target.column("municipality")), _q(str(self.target.geometry.column))  # type: ignore[union-attr]
        cursor.execute(
            f"UPDATE {table} SET {column} = municipality_at(ST_PointOnSurface({geometry})) WHERE {key} = ANY(%s)",
            [rows],
        )

    # -- a first load ------------------------------------------------------------------------------

    def _straight_in(self, cursor: CursorWrapper, total: int) -> bool:
        """Whether the rows go straight into the layer: a bulk load into an empty layer with no parts to dissolve."""
        if total < BULK_ROWS or self.spec.dissolve or self.record_id is None:
            return False
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {self.target.table})")
        return not cursor.fetchone()[0]

    def _load_straight(self, cursor: CursorWrapper, batches: Iterable[Batch], total: int) -> ImportSummary | None:
        """The rows that pass their checks copied straight into the empty layer, its indexes built after them, and
        those refused kept with their reasons (the report's and the record's). None, with nothing written, where two
        rows turn out alike (by content, or by the key)."""
        table = self.target.table
        started = time.perf_counter()
        try:
            with transaction.atomic():  # a savepoint: two rows alike undo the load, for the general path to redo
                probe = not self._key_constrained(cursor)
                rebuild = self._drop_for_bulk(cursor, table)
                # The layer's lock is held: one id per feature reserved, so that the ids inserted are one range less
                # the rows refused (no RETURNING to hold a million ids).
                base = reserve_ids(cursor, table, "id", total)
                columns, now = self._layer_columns(), None
                if self.target.stamped:
                    cursor.execute("SELECT now()::text")  # what the column's default would give, in this transaction
                    (now,) = cursor.fetchone()
                refused, alike, ambiguous = [], [], []
                copy_sql = f"COPY {table} ({', '.join(_q(c) for c, _ in columns)}) FROM STDIN (FORMAT csv)"
                with cursor.cursor.copy(copy_sql, writer=QueuedLibpqWriter(cursor.cursor)) as copy:
                    for checked in self._checked(batches, total, hashed=False):
                        rows, passing = checked.rows, checked.passing
                        kept = rows if passing.all() else rows.filter(passing)
                        copy.write(_csv_bytes(self._layer_rows(kept, columns, base, now)))
                        alike.append((kept.column("_row").to_numpy(), checked.alike[passing]))
                        if not passing.all():
                            refused.append(rows.filter(~passing))
                        ambiguous.extend((base + checked.ambiguous).tolist())
                if self.read > total:  # a wide file's cells: more rows than features
                    reserve_ids(cursor, table, "id", self.read - total)
                self.seconds["read, check and COPY"] = time.perf_counter() - started
                if self._repeated(cursor, base, alike) or (probe and self._key_repeated(cursor)):
                    raise _Alike
                self._rebuild(cursor, rebuild)  # where the key is unique in the layer, its rebuild is the probe
        except (_Alike, IntegrityError):
            return None
        started = time.perf_counter()
        self._settle_ambiguous(cursor, ambiguous, in_layer=True)
        copy_sql = self._create_checked(cursor)
        with cursor.cursor.copy(copy_sql) as copy:
            for rows in refused:
                copy.write(_csv_bytes(rows))
        cursor.execute("SELECT count(*), coalesce(range_agg(int8range(_row, _row + 1)), '{}')::text FROM etl_checked")
        self.rejected, left_out = cursor.fetchone()
        imported = self.read - self.rejected
        record.note_inserted_range(cursor, self.record_id, base, self.read, imported, left_out)  # type: ignore[arg-type]
        self.seconds["refused rows, import record"] = time.perf_counter() - started
        self._analyse(cursor, imported)
        return ImportSummary(read=self.read, imported=imported, repaired=self.repaired, rejected=self.rejected)

    def _layer_columns(self) -> list[tuple[str, str]]:
        """The layer's columns a first load writes, each with the checked column its value comes from."""
        names = [n for n, _ in self._checked_columns() if n in self.target.fields]
        columns = [("id", "_row"), *((self.target.column(n), n) for n in names)]
        if self.target.geometry is not None:
            columns.append((str(self.target.geometry.column), "geom"))
        return columns

    def _layer_rows(self, checked: pa.Table, columns: list[tuple[str, str]], base: int, now: str | None) -> pa.Table:
        """Checked rows as the layer's: row n is id base + n, a time stamp left empty is the transaction's."""
        values = []
        for _, name in columns:
            value = checked.column(name)
            if name == "_row":
                value = pc.add(value, base)
            elif name in self.target.stamped:
                value = pc.fill_null(value, now)
            values.append(value)
        return pa.Table.from_arrays(values, names=[c for c, _ in columns])

    def _repeated(self, cursor: CursorWrapper, base: int, alike: list[tuple[np.ndarray, np.ndarray]]) -> bool:
        """Whether two rows written are the same: among the few with the same geometry (or content), compared in
        full as stored (two rows the same as given are the same as stored; the general path tells them apart)."""
        numbers = np.concatenate([n for n, _ in alike]) if alike else np.empty(0, np.int64)
        keys = np.concatenate([k for _, k in alike]) if alike else np.empty(0, np.int64)
        order = np.argsort(keys, kind="stable")
        sorted_keys = keys[order]
        repeated = np.zeros(len(keys), dtype=bool)
        same = sorted_keys[1:] == sorted_keys[:-1]
        repeated[1:] |= same
        repeated[:-1] |= same
        if not repeated.any():
            return False
        columns = ", ".join(_q(c) for c, n in self._layer_columns() if n != "_row")
        cursor.execute(
            f"""SELECT EXISTS (SELECT 1 FROM {self.target.table} WHERE id = ANY(%s)
                               GROUP BY {columns} HAVING count(*) > 1)""",
            [(base + numbers[order][repeated]).tolist()],
        )
        return bool(cursor.fetchone()[0])

    def _key_constrained(self, cursor: CursorWrapper) -> bool:
        """Whether the layer's key is unique in the layer by an index of its own (osm_id, where given): its rebuild
        finds a key given twice."""
        key = [self.target.column(k) for k in self._key()]
        if not key:
            return False
        cursor.execute(
            """SELECT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = %s::regclass AND i.indisunique
                   AND (SELECT array_agg(attname::text ORDER BY n) FROM unnest(i.indkey::int2[]) WITH ORDINALITY k(a, n)
                        JOIN pg_attribute ON attrelid = i.indrelid AND attnum = k.a) = %s::text[]
                   AND (i.indpred IS NULL OR pg_get_expr(i.indpred, i.indrelid) = format('(%%I IS NOT NULL)', %s)))""",
            [self.target.table, key, key[0]],
        )
        return bool(cursor.fetchone()[0])

    def _key_repeated(self, cursor: CursorWrapper) -> bool:
        """Whether two rows in the layer have the same key (as stored: " 12" and "12" are one osm_id)."""
        key = [_q(self.target.column(k)) for k in self._key()]
        if not key:
            return False
        try:
            with transaction.atomic():  # a savepoint: the repeated key's error undoes the probe alone
                cursor.execute(
                    f"""CREATE UNIQUE INDEX etl_unrepeated ON {self.target.table} ({", ".join(key)})
                        WHERE {" AND ".join(f"{k} IS NOT NULL" for k in key)}"""
                )
                cursor.execute("DROP INDEX etl_unrepeated")
        except IntegrityError:
            return True
        return False

    # -- the general path --------------------------------------------------------------------------

    def _stage(self, cursor: CursorWrapper, batches: Iterable[Batch], total: int) -> None:
        """Every row checked into etl_checked, for the general path to compare with itself and with the layer."""
        started = time.perf_counter()
        ambiguous: list[int] = []
        # A writer thread sends each batch while the next one is read and checked: both cores work.
        with cursor.cursor.copy(self._create_checked(cursor), writer=QueuedLibpqWriter(cursor.cursor)) as copy:
            for checked in self._checked(batches, total, hashed=True):
                copy.write(_csv_bytes(checked.rows))
                ambiguous.extend(checked.ambiguous.tolist())
        self._settle_ambiguous(cursor, ambiguous, in_layer=False)
        self.seconds["read, check and COPY"] = time.perf_counter() - started

    def _load_staged(self, cursor: CursorWrapper) -> ImportSummary:
        summary = ImportSummary(read=self.read, repaired=self.repaired)
        started = time.perf_counter()
        self._step(ImportJob.Phase.CHECKING)
        summary.dropped = self._drop_duplicates(cursor)
        summary.dissolved = self._dissolve(cursor)
        self._reject_key_conflicts(cursor)
        self.seconds["dedupe"] = time.perf_counter() - started
        summary.imported, summary.updated, summary.unchanged = self._write(cursor)
        summary.rejected = self.rejected
        return summary

    def _drop_duplicates(self, cursor: CursorWrapper) -> int:
        # Most files repeat no row: a unique index (one sort) proves it in half the time of grouping every row.
        try:
            with transaction.atomic():  # a savepoint: a duplicate's error undoes the probe alone
                cursor.execute("CREATE UNIQUE INDEX etl_unrepeated ON etl_checked (_content) WHERE _reject IS NULL")
                cursor.execute("DROP INDEX etl_unrepeated")
            return 0
        except IntegrityError:
            return self._reject_repeats(cursor, ["_content"], gettext("exact duplicate of %(place)s"), dropped=True)

    def _reject_repeats(self, cursor: CursorWrapper, group: list[str], reason: str, *, dropped: bool) -> int:
        """Rows after the first of their group (same values in `group`) get `reason`, its %(place)s the first one's."""
        columns = ", ".join(_q(c) for c in group)
        not_null = " AND ".join(f"{_q(c)} IS NOT NULL" for c in group)
        # Rows of a filtered or wide file are numbered anew: the first one is named by its place in the file.
        row = _said(gettext("row %(row)s") % {"row": VALUE}, "min(_row)").replace("%", "%%")  # a query with params
        place = "(array_agg(_place ORDER BY _row))[1]" if self.placed else row
        before, after = (reason % {"place": VALUE}).split(VALUE)
        cursor.execute(
            f"""UPDATE etl_checked c SET _reject = %s || first._place || %s{", _dropped = true" if dropped else ""}
                FROM (SELECT {columns}, min(_row) AS _row, {place} AS _place FROM etl_checked
                      WHERE _reject IS NULL AND {not_null} GROUP BY {columns} HAVING count(*) > 1) first
                WHERE ({", ".join(f"c.{_q(k)}" for k in group)}) = ({", ".join(f"first.{_q(k)}" for k in group)})
                  AND c._row > first._row AND c._reject IS NULL""",
            [before, after],
        )
        return cursor.rowcount

    def _key(self) -> list[str]:
        if self.update_on:
            return self.update_on
        key = list(self.spec.key or self.target.natural_key)
        given = set(self.fields) | ({"municipality"} if self.target.municipality_scoped else set())
        return key if given.issuperset(key) else []

    def _dissolve(self, cursor: CursorWrapper) -> int:
        """Rows sharing a key are parts of one feature: their geometries are merged into the first."""
        key = self._key()
        if not self.spec.dissolve or not key or self.target.geometry_type is None:
            return 0
        columns = ", ".join(_q(k) for k in key)
        not_null = " AND ".join(f"{_q(k)} IS NOT NULL" for k in key)
        cursor.execute(
            f"""WITH parts AS (
                    SELECT min(_row) AS _row, ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Union(geom)),
                           {DIMENSION[self.target.geometry_type]})) AS geom
                    FROM etl_checked WHERE _reject IS NULL AND {not_null} GROUP BY {columns} HAVING count(*) > 1)
                UPDATE etl_checked c SET geom = parts.geom FROM parts WHERE c._row = parts._row"""
        )
        return self._reject_repeats(cursor, key, gettext("part of %(place)s"), dropped=True)

    def _reject_key_conflicts(self, cursor: CursorWrapper) -> None:
        key = self._key()
        if not key:
            return
        same = gettext("same %(key)s as %(place)s") % {"key": " + ".join(key), "place": "%(place)s"}
        self._reject_repeats(cursor, key, same, dropped=False)

    def _typed(self, name: str, prefix: str = "c.") -> str:
        """A staged value cast to its column's type (foreign keys are already ids)."""
        f = self.target.fields[name]
        value = f"{prefix}{_q(name)}"
        if isinstance(f, ForeignKey):
            return f"{value}::bigint"
        if name in self.target.stamped:
            return f"coalesce({value}::timestamptz, now())"
        return f"{value}::{self.target.db_type(name)}"

    def _columns(self) -> tuple[list[str], list[str]]:
        """The layer's columns an import writes, and each one's value from a checked row `c`."""
        names = list(self.fields)
        if self.target.municipality_scoped and "municipality" not in names:
            names.append("municipality")
        return [_q(self.target.column(n)) for n in names], [self._typed(n) for n in names]

    def _write(self, cursor: CursorWrapper) -> tuple[int, int, int]:
        table = self.target.table
        columns, values = self._columns()
        started = time.perf_counter()
        key = self._key()
        identity = [f"t.{c} IS NOT DISTINCT FROM {v}" for c, v in zip(columns, values, strict=True)]
        if self.target.geometry is not None:
            geometry = _q(str(self.target.geometry.column))
            # Same geometry: equal once snapped to 0.1 mm, whatever the ring orientation or start vertex
            # (Shapefiles reorient rings; text formats may round the last binary digit).
            identity.append(f"ST_Equals(ST_SnapToGrid(t.{geometry}, {GRID}), ST_SnapToGrid(c.geom, {GRID}))")
            # The && lets the layer's spatial index find the candidates.
            candidates = f"t.{geometry} && c.geom AND "
            columns_out, values_out, set_geometry = [*columns, geometry], [*values, "c.geom"], f", {geometry} = c.geom"
        else:
            candidates, columns_out, values_out, set_geometry = "", columns, values, ""
        same = " AND ".join(identity)
        cursor.execute("DROP TABLE IF EXISTS etl_matched")
        cursor.execute("CREATE TEMPORARY TABLE etl_matched (_row bigint, id bigint, same boolean) ON COMMIT DROP")
        with_key = " AND ".join(f"c.{_q(k)} IS NOT NULL" for k in key) or "false"
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {table})")
        (layer_has_rows,) = cursor.fetchone()
        if key and layer_has_rows:  # an empty layer matches nothing: no join to run
            match = " AND ".join(f"t.{_q(self.target.column(k))} = {self._typed(k)}" for k in key)
            cursor.execute(
                f"""INSERT INTO etl_matched SELECT c._row, t.id, ({same})
                    FROM etl_checked c JOIN {table} t ON {match} WHERE c._reject IS NULL AND {with_key}"""
            )
        if layer_has_rows:
            # Without a natural key, a row is the same row when every value and the geometry are the same.
            cursor.execute(
                f"""INSERT INTO etl_matched SELECT DISTINCT ON (c._row) c._row, t.id, true
                    FROM etl_checked c JOIN {table} t ON {candidates}{same}
                    WHERE c._reject IS NULL AND NOT ({with_key})"""
            )
        cursor.execute("SELECT count(*) FILTER (WHERE same), count(*) FILTER (WHERE NOT same) FROM etl_matched")
        unchanged, changed = cursor.fetchone()
        updated = 0
        if changed and self.update_on:
            assignments = ", ".join(f"{c} = {v}" for c, v in zip(columns, values, strict=True))
            update = f"""UPDATE {table} t SET {assignments}{set_geometry}
                    FROM etl_matched m JOIN etl_checked c ON c._row = m._row
                    WHERE t.id = m.id AND NOT m.same"""
            replaced = "SELECT id FROM etl_matched WHERE NOT same"
            if self.record_id is not None:
                record.keep_before(cursor, self.record_id, self.target.model, replaced)
            if self.history:
                self.history.first_versions(cursor, replaced, [])
            cursor.execute(update)
            updated = cursor.rowcount
        elif changed:
            reason = (
                gettext("already in the layer with other values; use --update-on %(key)s to update it")
                % {"key": " ".join(key)}
                if key
                else gettext("already in the layer with other values")
            )
            cursor.execute(
                """UPDATE etl_checked c SET _reject = %s FROM etl_matched m WHERE m._row = c._row AND NOT m.same""",
                [reason],
            )
        # One scan for both counts, the rows to insert and those rejected (the ones just refused included), and the
        # rows not inserted, as ranges of their numbers (what a bulk load's record leaves out of its block of ids).
        cursor.execute(
            # (NOT IN: a hashed subplan, where NOT EXISTS in a FILTER would scan etl_matched per row)
            """SELECT count(*) FILTER (WHERE new), count(*) FILTER (WHERE c._reject IS NOT NULL AND NOT c._dropped),
                      coalesce(range_agg(int8range(c._row, c._row + 1)) FILTER (WHERE NOT new), '{}')::text
               FROM etl_checked c,
                    LATERAL (SELECT c._reject IS NULL AND c._row NOT IN (SELECT _row FROM etl_matched) AS new) n"""
        )
        new, self.rejected, left_out = cursor.fetchone()
        self._step(ImportJob.Phase.WRITING)
        # A bulk load: the layer's indexes are built once after the rows, not per row.
        rebuild = []
        if new >= BULK_ROWS and self._fewer_rows(cursor, table, new):
            rebuild = self._drop_for_bulk(cursor, table)
        new_rows = """FROM etl_checked c
                WHERE c._reject IS NULL AND NOT EXISTS (SELECT 1 FROM etl_matched m WHERE m._row = c._row)"""
        names_out, select = ", ".join(columns_out), ", ".join(values_out)
        if rebuild:
            # A bulk load holds the layer's lock: it reserves one id per staged row, so that the ids it inserted are
            # one range less the rows it did not insert (no RETURNING to hold a million ids).
            base = reserve_ids(cursor, table, "id", self.read)
            cursor.execute(f"INSERT INTO {table} (id, {names_out}) SELECT {base} + c._row, {select} {new_rows}")
            imported = cursor.rowcount
            if self.record_id is not None:
                record.note_inserted_range(cursor, self.record_id, base, self.read, imported, left_out)
        elif self.record_id is not None:
            insert = f"INSERT INTO {table} ({names_out}) SELECT {select} {new_rows} RETURNING id"
            imported = record.note_inserted(cursor, self.record_id, insert)
        else:
            cursor.execute(f"INSERT INTO {table} ({names_out}) SELECT {select} {new_rows}")
            imported = cursor.rowcount
        self.seconds["insert, import record"] = time.perf_counter() - started
        self._after_write(cursor, rebuild, imported + updated)
        return imported, updated, unchanged

    def _after_write(self, cursor: CursorWrapper, rebuild: list[str], changed: int) -> None:
        """What a bulk load dropped, built again; the layer's statistics taken anew where `changed` rows call for it."""
        self._rebuild(cursor, rebuild)
        self._analyse(cursor, changed)

    def _rebuild(self, cursor: CursorWrapper, rebuild: list[str]) -> None:
        started = time.perf_counter()
        if rebuild:
            self._step(ImportJob.Phase.INDEXING)
            # The sorted GiST build and the B-trees keep their work in memory with room enough.
            cursor.execute(f"SET LOCAL maintenance_work_mem = '{BULK_MAINTENANCE_MEMORY}'")
            for statement in rebuild:
                cursor.execute(statement)
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # Django's foreign keys are initially deferred
        self.seconds["indexes and foreign keys rebuilt"] = time.perf_counter() - started

    def _analyse(self, cursor: CursorWrapper, changed: int) -> None:
        started = time.perf_counter()
        # What autovacuum would do after the commit, done now: the rest of the transaction and the first pages
        # after it are planned on what the layer holds, not on statistics taken when it was empty (1-row
        # estimates, nested loops over thousands of budget lines).
        if self._statistics_stale(cursor, self.target.table, changed):
            cursor.execute(f"ANALYZE {self.target.table}")
        self.seconds["statistics"] = time.perf_counter() - started

    def _statistics_stale(self, cursor: CursorWrapper, table: str, changed: int) -> bool:
        """Whether `changed` rows pass autovacuum's own threshold for analysing the table (its default settings)."""
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = %s::regclass", [table])
        (rows,) = cursor.fetchone()  # -1: never analysed
        return changed > ANALYZE_THRESHOLD + ANALYZE_SCALE_FACTOR * max(rows, 0)

    def _fewer_rows(self, cursor: CursorWrapper, table: str, rows: int) -> bool:
        """Whether the table holds fewer than `rows` rows (counted up to that many, never more)."""
        cursor.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table} LIMIT %s) t", [rows])
        return int(cursor.fetchone()[0]) < rows

    def _drop_for_bulk(self, cursor: CursorWrapper, table: str) -> list[str]:
        """Secondary indexes, foreign keys and unique constraints, dropped for a bulk load; returns what recreates them.

        An index built once after the load is faster than one updated row by row, and a foreign key
        added back is checked by one join instead of a trigger per row. All inside the transaction.
        """
        # Every index no constraint owns: the spatial and B-tree ones, and unique ones where given (osm_id).
        cursor.execute(
            """SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i
               WHERE i.indrelid = %s::regclass
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)""",
            [table],
        )
        indexes = cursor.fetchall()
        # Rows written earlier in this transaction leave deferred checks pending, which forbid ALTER TABLE:
        # run them now (they would run at commit anyway); the rebuild defers them again.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        # A first load into an empty layer that no row anywhere refers to yet also rebuilds the primary key (a sorted
        # build instead of a B-tree insertion per row: half the insert's time). The referring tables' foreign keys go
        # with it and come back last, which locks those (empty) tables until the commit.
        referring = self._empty_referrers(cursor, table)
        for referrer, name, _ in referring:
            cursor.execute(f"ALTER TABLE {referrer} DROP CONSTRAINT {_q(name)}")
        cursor.execute(
            """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
               WHERE conrelid = %s::regclass AND contype = 'f'""",
            [table],
        )
        foreign_keys = cursor.fetchall()
        # Unique constraints (osm_id) and primary keys (a history's) that no foreign key relies on: one sorted build
        # checks every value at the end instead of a B-tree insertion per row.
        cursor.execute(
            """SELECT c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c
               WHERE c.conrelid = %s::regclass AND c.contype IN ('u', 'p')
                 AND NOT EXISTS (SELECT 1 FROM pg_constraint f WHERE f.contype = 'f' AND f.conindid = c.conindid)""",
            [table],
        )
        keys = cursor.fetchall()
        for name, _ in foreign_keys + keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {_q(name)}")
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
        # Keys before the foreign keys that rely on them (a layer's own, then the referring tables').
        owned = [(table, name, definition) for name, definition in keys + foreign_keys]
        return [definition for _, definition in indexes] + [
            f"ALTER TABLE {relation} ADD CONSTRAINT {_q(name)} {definition}"
            for relation, name, definition in owned + referring
        ]

    def _empty_referrers(self, cursor: CursorWrapper, table: str) -> list[tuple[str, str, str]]:
        """Other tables' foreign keys to `table` when it and every one of those tables are empty; else none."""
        cursor.execute(
            """SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint
               WHERE confrelid = %s::regclass AND conrelid <> confrelid AND contype = 'f'""",
            [table],
        )
        referring = cursor.fetchall()
        for relation in {table, *(referrer for referrer, _, _ in referring)}:
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {relation})")
            if cursor.fetchone()[0]:
                return []
        return referring

    # -- report ----------------------------------------------------------------------------------

    def write_report(self, path: Path) -> Path:
        """Every row not imported as it was, with its reason: one CSV line each."""
        path.parent.mkdir(parents=True, exist_ok=True)
        shown = [n for n in self.fields if n not in self.target.references][:4]
        place = "_place" if self.placed else "_row"
        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT {place}, _reject, {", ".join(f"{_q(n)}::text" for n in shown) or "NULL"}
                    FROM etl_checked WHERE _reject IS NOT NULL ORDER BY _row"""
            )
            with open(path, "w", encoding="utf-8", newline="") as handle:
                writer = spreadsheets.writer(handle)  # the rejected values are the file's: never a live formula
                writer.writerow([gettext("place") if self.placed else gettext("row"), gettext("reason"), *shown])
                while rows := cursor.fetchmany(10_000):
                    writer.writerows(rows)
        return path


class _Alike(Exception):
    """Two rows of a first load alike: its savepoint is rolled back, for the general path to sort them out."""


@dataclass
class CheckedBatch:
    """A batch checked: its rows as etl_checked holds them, those inside two boundaries (numbers), a key that rows
    alike share (their geometry's, or their content's), and which rows pass."""

    rows: pa.Table
    ambiguous: np.ndarray
    alike: np.ndarray
    passing: np.ndarray


def _content_hash(columns: list[pa.Array]) -> np.ndarray:
    """The hash exact duplicates share: every mapped value and the geometry as given, in one 64-bit number per row.

    Computed here while the server writes the rows before. Each value goes in after its length (-1: NULL), so that no
    two different rows join into the same bytes ("a|b", "c" and "a", "b|c"; NULL and "")."""
    parts = []
    for column in columns:
        lengths = pc.fill_null(pc.binary_length(column), -1).to_numpy().astype("<i4")
        prefix = pa.FixedSizeBinaryArray.from_buffers(pa.binary(4), len(column), [None, pa.py_buffer(lengths)])
        parts += [prefix.cast(pa.binary()), pc.fill_null(column.cast(pa.binary()), b"")]
    joined = pc.binary_join_element_wise(*parts, b"")
    return pd.util.hash_array(joined.to_numpy(zero_copy_only=False), categorize=False).view(np.int64)


def _csv_bytes(table: pa.Table) -> bytes:
    """CSV for COPY: nulls unquoted and empty, empty text quoted (PostgreSQL tells them apart so)."""
    sink = io.BytesIO()
    pa_csv.write_csv(table, sink, pa_csv.WriteOptions(include_header=False, quoting_style="needed"))
    return sink.getvalue()
