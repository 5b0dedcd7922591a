"""Field mapping specs: which source column fills which layer field, with coercion, defaults and value maps.

A spec is a TOML file versioned in etl/mappings/ (one per real dataset), for example:

    layer = "service-points"
    key = ["osm_id"]
    [fields]
    osm_id = { source = "osm_node_id" }
    name = { source = "name", transform = ["strip"] }
    kind = { source = "value", values = { hospital = "health_facility", "*" = "other" } }

Field options: `source` (a column, or `join.column` for a joined table), `default`, `values` (a value
map, "*" for any other value), `transform` (strip, spaces, arabic, french_name, upper, lower),
`replace` ([regex, replacement]), `zfill`. Joins bring companion tables (CSV) in by a key:
`[[join]] name = "ids", file = "ids.csv", on = "$index" or a mapped field, key = "column"`.
Without a spec, columns named like the layer's fields are taken as they are.

A wide table (one column per year or month) is read as a long one, one row per non-empty cell, before the fields:

    [unpivot]
    columns = ["2013", "2014"]   # or a regex on the names, whose first group is the name: "^Budget_(\\d{2})_2018$"
    name = "Year"                # a new column: the cell's column name (or the regex's first group)
    value = "Budget"             # a new column: the cell; empty cells give no row

`where` still filters the file's own columns (in GDAL, before the unpivot). The report names each rejected cell,
and the cell a duplicate repeats, by its row and column in the file.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils.translation import gettext

from etl.arabic import normalise_arabic
from etl.sources import Batch
from etl.targets import TARGETS, Target, layer_name
from gisportal.paths import BASE_DIR
from layers.models import new_tracking_code
from layers.rules import number_rule

MAPPINGS_DIR = BASE_DIR / "etl" / "mappings"
FIELD_OPTIONS = {"source", "default", "values", "transform", "replace", "pattern", "zfill"}
SPEC_OPTIONS = {
    "layer",
    "key",
    "dissolve",
    "fields",
    "join",
    "description",
    "source",
    "source_layer",
    "where",
    "update_on",
    "unpivot",
}
UNPIVOT_OPTIONS = {"columns", "name", "value"}
# Where each unpivoted cell was in the file, for the reasons of the rejection report.
CELL_ROW, CELL_COLUMN = "$row", "$column"
TRUE = {"1", "true", "t", "yes", "y", "oui", "vrai", "نعم"}
FALSE = {"0", "false", "f", "no", "n", "non", "faux", "لا"}


class MappingError(Exception):
    """The spec itself is wrong (unknown option, unknown field, …)."""


@dataclass(frozen=True)
class FieldRule:
    source: str | None = None
    default: Any = None
    values: dict[str, Any] | None = None
    transform: tuple[str, ...] = ()
    replace: tuple[str, str] | None = None
    pattern: str | None = None  # a regex whose first group is the value (e.g. one tag of OSM other_tags)
    zfill: int | None = None


@dataclass(frozen=True)
class Join:
    name: str
    file: str
    on: str
    key: str


@dataclass(frozen=True)
class Unpivot:
    """Wide columns read as rows: `name` gets the column's name (or the regex's first group), `value` the cell."""

    columns: tuple[str, ...] | str  # the columns, or a regex on their names
    name: str
    value: str

    def resolve(self, columns: list[str], origin: str) -> dict[str, str]:
        """The file's columns to unpivot, each with the value of the name column its cells get."""
        listed = ", ".join(columns)
        if isinstance(self.columns, str):
            pattern = re.compile(self.columns)
            found = {c: m.group(1) if pattern.groups else c for c in columns if (m := pattern.search(c))}
            if not found:
                problem = gettext(
                    "%(spec)s: the unpivot pattern '%(pattern)s' matches no column (columns: %(columns)s)"
                )
                raise MappingError(problem % {"spec": origin, "pattern": self.columns, "columns": listed})
        else:
            unknown = [c for c in self.columns if c not in columns]
            if unknown:
                problem = gettext("%(spec)s: the file has no column %(unknown)s to unpivot (columns: %(columns)s)")
                raise MappingError(problem % {"spec": origin, "unknown": ", ".join(unknown), "columns": listed})
            found = {c: c for c in self.columns}
        for new in (self.name, self.value):
            if new in columns:
                problem = gettext("%(spec)s: the unpivot's new column '%(column)s' is already a column of the file")
                raise MappingError(problem % {"spec": origin, "column": new})
        return found


@dataclass
class Mapping:
    layer: str
    fields: dict[str, FieldRule]
    key: tuple[str, ...] | None = None
    dissolve: bool = False
    joins: list[Join] = field(default_factory=list)
    origin: str = "default"
    source_layer: str | None = None  # the layer to read in a multi-layer source (OSM: "lines")
    where: str | None = None  # an OGR SQL filter on the source's attributes
    update_on: tuple[str, ...] | None = None  # a spec that updates existing rows (as --update-on does)
    unpivot: Unpivot | None = None

    @property
    def target(self) -> Target:
        return TARGETS[self.layer]


def load_mapping(spec: str | Path) -> Mapping:
    """Read a spec by path, or by name from etl/mappings/ ("tn-municipalities")."""
    path = Path(spec)
    if not path.exists():
        path = MAPPINGS_DIR / f"{spec}.toml"
    if not path.exists():
        known = ", ".join(sorted(p.stem for p in MAPPINGS_DIR.glob("*.toml")))
        raise MappingError(gettext("no mapping spec '%(spec)s' (known: %(known)s)") % {"spec": spec, "known": known})
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise MappingError(f"{path.name}: {error}") from error
    unknown = set(data) - SPEC_OPTIONS
    if unknown:
        raise MappingError(
            gettext("%(spec)s: unknown options %(options)s") % {"spec": path.name, "options": sorted(unknown)}
        )
    if isinstance(data.get("layer"), str):
        data["layer"] = layer_name(data["layer"])
    if data.get("layer") not in TARGETS:
        raise MappingError(
            gettext("%(spec)s: layer must be one of %(layers)s") % {"spec": path.name, "layers": sorted(TARGETS)}
        )
    target = TARGETS[data["layer"]]
    rules = {}
    for name, options in data.get("fields", {}).items():
        if name not in target.fields:
            problem = gettext("%(spec)s: the %(layer)s layer has no field '%(field)s'")
            raise MappingError(problem % {"spec": path.name, "layer": target.name, "field": name})
        options = {"source": options} if isinstance(options, str) else options
        if set(options) - FIELD_OPTIONS:
            problem = gettext("%(spec)s: field '%(field)s' has unknown options %(options)s")
            raise MappingError(
                problem % {"spec": path.name, "field": name, "options": sorted(set(options) - FIELD_OPTIONS)}
            )
        for transform in options.get("transform", ()):
            if transform not in VECTOR_TRANSFORMS:
                problem = gettext("%(spec)s: unknown transform '%(transform)s' (known: %(known)s)")
                known = ", ".join(sorted(VECTOR_TRANSFORMS))
                raise MappingError(problem % {"spec": path.name, "transform": transform, "known": known})
        rules[name] = FieldRule(
            source=options.get("source"),
            default=options.get("default"),
            values=options.get("values"),
            transform=tuple(options.get("transform", ())),
            replace=tuple(options["replace"]) if "replace" in options else None,  # type: ignore[arg-type]
            pattern=options.get("pattern"),
            zfill=options.get("zfill"),
        )
    joins = [Join(j["name"], j["file"], j["on"], j["key"]) for j in data.get("join", [])]
    key = tuple(data["key"]) if isinstance(data.get("key"), list) else (data["key"],) if data.get("key") else None
    return Mapping(
        data["layer"],
        rules,
        key,
        bool(data.get("dissolve", False)),
        joins,
        origin=path.name,
        source_layer=data.get("source_layer"),
        where=data.get("where"),
        update_on=tuple(data["update_on"]) if data.get("update_on") else None,
        unpivot=_unpivot(data, path.name),
    )


def _unpivot(data: dict[str, Any], origin: str) -> Unpivot | None:
    if "unpivot" not in data:
        return None
    options = data["unpivot"]
    if not isinstance(options, dict) or set(options) != UNPIVOT_OPTIONS:
        raise MappingError(gettext("%(spec)s: [unpivot] takes exactly columns, name and value") % {"spec": origin})
    columns, name, value = options["columns"], options["name"], options["value"]
    if isinstance(columns, str):
        try:
            re.compile(columns)
        except re.error as error:
            problem = gettext("%(spec)s: the unpivot pattern '%(pattern)s' is not a regular expression (%(error)s)")
            raise MappingError(problem % {"spec": origin, "pattern": columns, "error": error}) from error
    elif not columns or not all(isinstance(c, str) for c in columns):
        raise MappingError(
            gettext("%(spec)s: unpivot columns must be a list of column names or a pattern") % {"spec": origin}
        )
    if not isinstance(name, str) or not isinstance(value, str) or name == value:
        problem = gettext("%(spec)s: the unpivot's name and value must be two different column names")
        raise MappingError(problem % {"spec": origin})
    for new in (name, value):
        # The filter runs in GDAL on the file's own columns, before the unpivot makes these.
        if re.search(rf"\b{re.escape(new)}\b", data.get("where") or ""):
            problem = gettext(
                "%(spec)s: where cannot filter on '%(column)s', made by the unpivot (empty cells give no row already)"
            )
            raise MappingError(problem % {"spec": origin, "column": new})
    return Unpivot(columns if isinstance(columns, str) else tuple(columns), name, value)


def default_mapping(layer: str, columns: list[str]) -> Mapping:
    """Columns named like the layer's fields (case-insensitively) fill them as they are."""
    target = TARGETS[layer]
    lowered = {c.lower(): c for c in columns}
    # Shapefiles cut field names to 10 characters ("opening_hours" comes back as "opening_ho").
    rules = {
        name: FieldRule(source=lowered.get(name) or lowered[name[:10]])
        for name in target.fields
        if name in lowered or name[:10] in lowered
    }
    return Mapping(layer, rules)


@dataclass
class Mapped:
    """A batch mapped onto the layer: one text column per field, and a rejection reason per row."""

    values: pd.DataFrame
    reasons: pd.Series
    # Where each row is in a filtered or wide file ("row 3", "row 3, column 2016"); None when rows follow the file.
    places: pd.Series | None = None


class Mapper:
    """Applies a mapping to batches; joined tables are read once."""

    def __init__(self, mapping: Mapping, source_folder: Path, columns: list[str]) -> None:
        self.mapping = mapping
        self.target = mapping.target
        self.wide: dict[str, str] = {}  # a wide table's columns to unpivot, with the name their cells get
        if mapping.unpivot:
            self.wide = mapping.unpivot.resolve(columns, mapping.origin)
            kept = [c for c in columns if c not in self.wide]
            columns = [*kept, mapping.unpivot.name, mapping.unpivot.value]
        self.tables: dict[str, pd.DataFrame] = {}
        for join in mapping.joins:
            table = pd.read_csv(source_folder / join.file, dtype=str, keep_default_na=False, encoding="utf-8-sig")
            if join.key not in table:
                problem = gettext("%(spec)s: %(file)s has no column '%(column)s'")
                raise MappingError(problem % {"spec": mapping.origin, "file": join.file, "column": join.key})
            table[join.key] = table[join.key].str.strip()  # official lists carry stray spaces ("تونس ")
            self.tables[join.name] = table.drop_duplicates(join.key).set_index(join.key).add_prefix(f"{join.name}.")
        for name, rule in mapping.fields.items():
            joined = any(rule.source.startswith(f"{join.name}.") for join in mapping.joins) if rule.source else True
            if rule.source and not joined and rule.source not in columns:
                problem = gettext(
                    "%(spec)s: field '%(field)s' comes from column '%(column)s', "
                    "which the file does not have (columns: %(columns)s)"
                )
                where = {"spec": mapping.origin, "field": name, "column": rule.source, "columns": ", ".join(columns)}
                raise MappingError(problem % where)
        # Columns the database needs a value for, filled from the model's default when the file has none.
        self.rules = dict(mapping.fields)
        for name, f in self.target.fields.items():
            unset = name not in self.rules and not f.null and not self.target.required(name) and not f.is_relation
            if unset and (name == "tracking_code" or f.default is models.NOT_PROVIDED or not callable(f.default)):
                self.rules[name] = FieldRule()
        missing = [n for n in self.target.fields if self.target.required(n) and n not in mapping.fields]
        if missing:
            raise MappingError(missing_fields_problem(self.target, mapping.origin, missing, columns))

    @property
    def field_names(self) -> list[str]:
        return list(self.rules)

    def unpivot(self, batches: Iterable[Batch]) -> Iterator[Batch]:
        """A wide table's batches as long ones, one row per non-empty cell, numbered anew; other batches as they are."""
        if not self.mapping.unpivot:
            yield from batches
            return
        name, value = self.mapping.unpivot.name, self.mapping.unpivot.value
        cells = 0
        for batch in batches:
            wide = batch.attributes.reset_index(drop=True)
            kept = [c for c in wide.columns if c not in self.wide]
            # Row by row (a line's years together), each cell keeping its row and column in the file.
            long = wide.melt(kept, list(self.wide), CELL_COLUMN, value, ignore_index=False).sort_index(kind="stable")
            present = long[value].astype("string").str.strip().fillna("").ne("").to_numpy(dtype=bool)
            positions = long.index.to_numpy()[present]
            long = long[present].reset_index(drop=True)
            long[name] = long[CELL_COLUMN].map(self.wide)
            long[CELL_ROW] = positions + batch.offset + 1 if batch.fids is None else batch.fids[positions]
            yield Batch(cells, long, batch.wkb.take(pa.array(positions, pa.int64())))
            cells += len(long)

    def apply(self, attributes: pd.DataFrame, offset: int, fids: np.ndarray | None = None) -> Mapped:
        frame = attributes.copy()
        if any(join.on == "$index" for join in self.mapping.joins):
            frame["$index"] = (np.arange(len(frame)) + offset).astype(str)
        reasons = pd.Series([None] * len(frame), index=frame.index, dtype=object)
        values = pd.DataFrame(index=frame.index)
        pending = dict(self.rules)

        def fill() -> None:
            for name, rule in list(pending.items()):
                if rule.source is None and name != "tracking_code" and len(frame):  # (a code is new for each row)
                    values[name] = self._constant(name, rule, frame, reasons)
                    del pending[name]
                elif rule.source is None or rule.source in frame:
                    values[name] = self._coerce(name, self._raw(frame, rule), reasons)
                    del pending[name]

        # Fields from the file first, then each join (keyed on a column or a field) and what it brings.
        fill()
        for join in self.mapping.joins:
            on = frame[join.on] if join.on in frame else values[join.on]
            joined = self.tables[join.name].reindex(on.astype("string").to_numpy())
            joined.index = frame.index
            unmatched = joined.isna().all(axis=1) & reasons.isna()
            no_row = gettext("no row in %(file)s where %(column)s = %(value)s")
            reasons[unmatched] = [no_row % {"file": join.file, "column": join.key, "value": v} for v in on[unmatched]]
            frame = pd.concat([frame, joined], axis=1)
            fill()
        for name in pending:
            problem = gettext("%(spec)s: field '%(field)s' comes from an unknown column")
            raise MappingError(problem % {"spec": self.mapping.origin, "field": name})
        if self.wide:
            cell = gettext("row %(row)s, column %(column)s")
            places = pd.Series(
                [cell % {"row": r, "column": c} for r, c in zip(frame[CELL_ROW], frame[CELL_COLUMN], strict=True)],
                index=frame.index,
                dtype=object,
            )
        elif fids is not None:
            row = gettext("row %(row)s")
            places = pd.Series([row % {"row": fid} for fid in fids], index=frame.index, dtype=object)
        else:
            return Mapped(values[list(self.rules)], reasons)
        rejected = reasons.notna()
        of_the_file = gettext("%(reason)s (%(place)s of the file)")
        reasons[rejected] = [
            of_the_file % {"reason": reason, "place": place}
            for reason, place in zip(reasons[rejected], places[rejected], strict=True)
        ]
        return Mapped(values[list(self.rules)], reasons, places)

    def _constant(self, name: str, rule: FieldRule, frame: pd.DataFrame, reasons: pd.Series) -> pd.Series:
        """A field no column gives: the same value (or reason) for every row, worked out on the first one."""
        first = frame.iloc[:1]
        said = pd.Series([None], index=first.index, dtype=object)
        value = self._coerce(name, self._raw(first, rule), said)
        if said.iloc[0] is not None:
            reasons[reasons.isna()] = said.iloc[0]
        return pd.Series(value.iloc[0], index=frame.index, dtype="string")

    def _raw(self, frame: pd.DataFrame, rule: FieldRule) -> pd.Series:
        """The source value as text after transforms and the value map; NA when absent."""
        if rule.source is None:
            text = pd.Series(pd.NA, index=frame.index, dtype="string")
        else:
            text = _as_strings(frame[rule.source])
        for name in rule.transform:
            text = VECTOR_TRANSFORMS[name](text)
        if rule.pattern:
            text = text.str.extract(rule.pattern, expand=False).astype("string")
        if rule.replace:
            text = text.str.replace(rule.replace[0], rule.replace[1], regex=True)
        if rule.zfill:
            text = text.str.zfill(rule.zfill)
        if rule.values is not None:
            table = {str(k): None if v is None else _as_text(v) for k, v in rule.values.items()}
            known = text.isin(list(table))
            mapped = text.map(table).astype("string")
            other = table.get("*")
            fallback = text if other is None else pd.Series(other, index=text.index, dtype="string")
            text = mapped.where(known, fallback)
            if "" in table:
                text = text.fillna(table[""])
        text = text.mask(text == "")
        if rule.default is not None:
            text = text.fillna(_as_text(rule.default))
        return text

    def _coerce(self, name: str, text: pd.Series, reasons: pd.Series) -> pd.Series:
        """Text as the layer's column type wants it; rows that do not fit get a reason."""
        f = self.target.fields[name]
        present = text.notna()
        result = text.copy()
        problem = pd.Series(False, index=text.index)
        rule, ranged = number_rule(f), problem
        if isinstance(f, models.IntegerField | models.FloatField | models.DecimalField):
            number = _numbers(text)
            retry = present & number.isna()
            if retry.any():  # numbers stored as text the way people type them: "1 100", "3,5"
                cleaned = text[retry].str.replace(r"[\s\u202f\u00a0']", "", regex=True).str.replace(",", ".")
                number[retry] = pd.to_numeric(cleaned, errors="coerce").astype("Float64")
            problem = (present & number.isna()).fillna(False)
            if isinstance(f, models.IntegerField):
                problem |= (number % 1 != 0).fillna(False)
            # The model's own rule (layers.rules): no NaN or infinity, rates within 0-100, as the admin and APIs.
            ranged = (~problem & rule.refuses(number)).fillna(False).astype(bool)
            problem |= ranged
            if isinstance(f, models.IntegerField):
                result = number.mask(problem).astype("Int64").astype("string")
            else:
                result = number.mask(problem).astype("string")
        elif isinstance(f, models.BooleanField):
            lowered = text.str.lower()
            problem = present & ~lowered.isin(TRUE | FALSE)
            result = lowered.isin(TRUE).map({True: "true", False: "false"}).astype("string").where(present)
        elif isinstance(f, ArrayField):
            numbers = text.str.findall(r"-?\d+")
            result = numbers.map(lambda v: "{" + ",".join(v) + "}" if isinstance(v, list) else None).astype("string")
        elif isinstance(f, models.DateTimeField):
            moment = pd.to_datetime(text, errors="coerce", utc=True, format="mixed")
            problem = present & moment.isna()
            result = moment.map(lambda v: None if pd.isna(v) else v.isoformat()).astype("string")
        elif isinstance(f, models.TimeField):
            problem = present & ~text.str.fullmatch(r"\d{1,2}:\d{2}(:\d{2})?").fillna(False).astype(bool)
        elif isinstance(f, models.CharField | models.TextField) and not isinstance(f, models.ForeignKey):
            if f.choices:
                allowed = [str(choice) for choice, _ in f.flatchoices]
                problem = present & ~text.isin(allowed)
            if f.max_length:
                problem |= present & (text.str.len() > f.max_length).fillna(False)
        problem = problem.astype(bool)
        result = result.astype("string").mask(problem)
        for index in text.index[problem & reasons.isna()]:
            ranges = {"field": name, "value": text[index], "rule": rule.describe()}
            refused = gettext("%(field)s %(value)r is not %(rule)s") % ranges if ranged[index] else None
            reasons[index] = refused or _problem(f, name, text[index])
        missing = result.isna() & ~problem
        if missing.any():
            if f.name == "tracking_code":
                result[missing] = [new_tracking_code() for _ in range(int(missing.sum()))]
            elif f.default is not models.NOT_PROVIDED and not callable(f.default):
                result[missing] = _as_text(f.default)
            elif isinstance(f, models.CharField | models.TextField) and f.blank and not f.null:
                result[missing] = ""
            elif self.target.required(name):
                reasons[missing & reasons.isna()] = gettext("%(field)s is missing") % {"field": name}
        return result


def _numbers(text: pd.Series) -> pd.Series:
    """Text as numbers (Float64, NA where not one): Arrow's parser where every value is a plain number, pandas' else."""
    try:
        parsed = pc.cast(pa.array(text, pa.string(), from_pandas=True), pa.float64())
    except pa.ArrowInvalid:
        parsed = None
    if parsed is None or pc.any(pc.is_nan(parsed)).as_py():  # (a "nan" is no number here, as for pandas)
        return pd.to_numeric(text, errors="coerce").astype("Float64")
    return pd.Series(pd.array(parsed, dtype="Float64"), index=text.index)


def _as_strings(column: pd.Series) -> pd.Series:
    """Any source column as text: integral numbers without a decimal point, booleans lower-case."""
    if pd.api.types.is_bool_dtype(column):
        return column.map({True: "true", False: "false"}).astype("string")
    if pd.api.types.is_integer_dtype(column):
        return column.astype("Int64").astype("string")
    if pd.api.types.is_float_dtype(column):
        present = column.dropna()
        if (present % 1 == 0).all():
            return column.astype("Int64").astype("string")
        return column.astype("string")
    if pd.api.types.is_string_dtype(column) and not pd.api.types.is_object_dtype(column):
        return column.astype("string")
    return column.map(lambda v: pd.NA if _missing(v) else _as_text(v)).astype("string")


def _sub_articles(text: pd.Series) -> pd.Series:
    # Official lists write a few articles shouting: "EL kram".
    return text.str.strip().str.replace(r"\b(EL|LA|LE|ES|EZ|ER)\b", lambda m: m.group(1).capitalize(), regex=True)


VECTOR_TRANSFORMS: dict[str, Callable[[pd.Series], pd.Series]] = {
    "strip": lambda text: text.str.strip(),
    "spaces": lambda text: text.str.replace(r"\s+", " ", regex=True).str.strip(),
    "arabic": lambda text: text.map(normalise_arabic, na_action="ignore").astype("string"),
    "french_name": _sub_articles,
    "upper": lambda text: text.str.upper(),
    "lower": lambda text: text.str.lower(),
}


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and value != value)


def missing_fields_problem(target: Target, origin: str, missing: list[str], columns: list[str]) -> str:
    """Why a file cannot fill a layer: the columns found, the fields expected and the values allowed."""
    problem = gettext(
        "%(spec)s: nothing gives the %(layer)s layer's required %(fields)s. Columns found in the file: %(columns)s. "
        "Fields expected: %(expected)s."
    )
    required = gettext("required")
    expected = [
        f"{name} ({f.verbose_name}, {required})" if target.required(name) else f"{name} ({f.verbose_name})"
        for name, f in target.fields.items()
        if name not in ("municipality", "tracking_code")
    ]
    text = problem % {
        "spec": origin,
        "layer": target.name,
        "fields": ", ".join(missing),
        "columns": ", ".join(columns) or "—",
        "expected": "; ".join(expected),
    }
    for name in missing:
        f = target.fields[name]
        if getattr(f, "choices", None):
            allowed = ", ".join(f"{code} ({label})" for code, label in f.flatchoices)
            text += " " + gettext("Allowed values of %(field)s: %(values)s.") % {"field": name, "values": allowed}
    return text


def _as_text(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _problem(f: models.Field, name: str, value: object) -> str:
    if getattr(f, "choices", None):
        allowed = ", ".join(str(c) for c, _label in f.flatchoices)
        return gettext("%(field)s %(value)r is not one of %(allowed)s") % {
            "field": name,
            "value": value,
            "allowed": allowed,
        }
    if isinstance(f, models.CharField) and f.max_length and len(str(value)) > f.max_length:
        problem = gettext("%(field)s %(value)r is longer than %(n)s characters")
        return problem % {"field": name, "value": value, "n": f.max_length}
    kind = f.get_internal_type().removesuffix("Field").lower()
    return gettext("%(field)s %(value)r is not a valid %(type)s") % {"field": name, "value": value, "type": kind}
