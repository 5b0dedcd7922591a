"""Pabulib `.pb` files (pabulib.org), the participatory-budgeting elections of research: read and written.

A file has three sections, each a title line then a header line then rows, semicolon-separated CSV:
META (key;value), PROJECTS (project_id;cost;... with optional name, votes, selected and any other column)
and VOTES (voter_id;vote;... with points on cumulative and scoring ballots, and optional voter columns such
as age, sex, district). Real files write costs as floats (`400000.0`) and quote fields with semicolons.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import numpy as np

from gisportal.budgeting.rules import Ballots, IntArray

VOTE_TYPES = ("approval", "choose-1", "cumulative", "ordinal", "scoring")
WITH_POINTS = ("cumulative", "scoring")
SECTIONS = ("meta", "projects", "votes")
PROJECT_COLUMNS = ("project_id", "cost", "votes", "name", "selected")
VOTER_COLUMNS = ("voter_id", "vote", "points")


class PabulibError(ValueError):
    """A file that is not valid Pabulib, with the line it breaks on."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line
        self.reason = reason


@dataclass(frozen=True)
class ProjectRow:
    id: str
    cost: int
    name: str = ""
    extra: dict[str, str] = field(default_factory=dict)  # the other columns (category, district, latitude, ...)
    selected: bool | None = None  # the city's own result, where the file gives it
    votes: int | None = None  # the count the city published


@dataclass(frozen=True)
class VoterRow:
    id: str
    choices: tuple[str, ...]  # project ids, in the ballot's order (its ranking on ordinal ballots)
    points: tuple[int, ...] | None = None  # one per choice on cumulative and scoring ballots
    extra: dict[str, str] = field(default_factory=dict)  # age, sex, district, voting_method, ...


@dataclass(frozen=True)
class Election:
    meta: dict[str, str]
    projects: dict[str, ProjectRow]
    voters: list[VoterRow]

    @property
    def budget(self) -> int:
        return _amount(self.meta["budget"])

    @property
    def vote_type(self) -> str:
        return self.meta.get("vote_type", "approval")

    def ballots(self) -> tuple[list[str], IntArray, Ballots]:
        """The election as the counting rules take it: project ids in natural order (c2 before c10, the
        order ties are broken in), their costs, and the ballots over their indices."""
        ids = sorted(self.projects, key=natural_order)
        index = {project_id: i for i, project_id in enumerate(ids)}
        costs = np.array([self.projects[i].cost for i in ids], dtype=np.int64)
        choices = [[index[c] for c in voter.choices] for voter in self.voters]
        if self.vote_type in WITH_POINTS:
            return ids, costs, Ballots.from_lists(choices, [voter.points or () for voter in self.voters])
        return ids, costs, Ballots.from_lists(choices)


def natural_order(text: str) -> list[str | int]:
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text)]


def _amount(text: str) -> int:
    """A whole amount of money written `400000`, `400000.0` or `400000,0`."""
    try:
        value = Decimal(text.strip().replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number") from None
    if not value.is_finite() or value != value.to_integral_value() or value < 0:
        raise ValueError(f"{text!r} is not a whole amount")
    return int(value)


def _whole(text: str) -> int:
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(f"{text!r} is not a number") from None
    if not value.is_finite() or value != value.to_integral_value():
        raise ValueError(f"{text!r} is not a whole number")
    return int(value)


def _missing(text: str) -> bool:
    return text.strip().lower() in ("", "none")


def read(path: str | Path) -> Election:
    with open(path, encoding="utf-8-sig", newline="") as file:
        return parse(file.read())


def _rows(text: str) -> Iterator[tuple[int, list[str]]]:
    """(line number, fields) of every non-blank row; quoted fields may hold semicolons and line breaks."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", strict=True)
    line = 1
    try:
        for row in reader:
            if any(cell.strip() for cell in row):
                yield line, [cell.strip() for cell in row]
            line = reader.line_num + 1
    except csv.Error as error:
        raise PabulibError(line, f"broken CSV ({error})") from None


def parse(text: str) -> Election:
    """The election in a Pabulib file's text; PabulibError naming the line and the reason when it is broken."""
    sections: dict[str, tuple[int, list[str], list[tuple[int, list[str]]]]] = {}
    current: list[tuple[int, list[str]]] | None = None
    rows = _rows(text.removeprefix("\ufeff"))
    last = 0
    for line, row in rows:
        last = line
        title = row[0].lower()
        if title in SECTIONS and not any(row[1:]):
            if title in sections:
                raise PabulibError(line, f"a second {row[0]} section")
            header_line, header = next(rows, (line, []))
            last = header_line
            if not header:
                raise PabulibError(line, f"the {row[0]} section has no header line")
            current = []
            sections[title] = (header_line, header, current)
        elif current is None:
            raise PabulibError(line, "text before the META section")
        else:
            current.append((line, row))
    for title in SECTIONS:
        if title not in sections:
            raise PabulibError(last + 1, f"no {title.upper()} section")
    meta, meta_lines = _meta(sections["meta"])
    projects = _projects(sections["projects"])
    voters = _voters(sections["votes"], projects, meta.get("vote_type", "approval"))
    for key, count, what in (("num_projects", len(projects), "projects"), ("num_votes", len(voters), "voters")):
        if key in meta and _whole_or_error(meta[key], meta_lines[key]) != count:
            raise PabulibError(meta_lines[key], f"META {key} says {meta[key]}, the file has {count} {what}")
    return Election(meta, projects, voters)


def _whole_or_error(text: str, line: int) -> int:
    try:
        return _whole(text)
    except ValueError as error:
        raise PabulibError(line, str(error)) from None


def _meta(section: tuple[int, list[str], list[tuple[int, list[str]]]]) -> tuple[dict[str, str], dict[str, int]]:
    header_line, header, rows = section
    if [h.lower() for h in header[:2]] != ["key", "value"]:
        raise PabulibError(header_line, "the META header must be key;value")
    meta: dict[str, str] = {}
    lines: dict[str, int] = {}
    for line, row in rows:
        if row[0] in meta:
            raise PabulibError(line, f"META {row[0]} given twice")
        # A value with an unquoted semicolon is still one value: the key cannot hold one.
        meta[row[0]], lines[row[0]] = ";".join(row[1:]), line
    if "budget" not in meta:
        raise PabulibError(header_line, "META has no budget")
    try:
        _amount(meta["budget"])
    except ValueError as error:
        raise PabulibError(lines["budget"], f"budget {error}") from None
    vote_type = meta.get("vote_type", "approval")
    if vote_type not in VOTE_TYPES:
        raise PabulibError(lines["vote_type"], f"unknown vote_type {vote_type!r} (one of {', '.join(VOTE_TYPES)})")
    return meta, lines


def _columns(header_line: int, header: list[str], required: tuple[str, ...], section: str) -> dict[str, int]:
    columns: dict[str, int] = {}
    for position, name in enumerate(header):
        if name in columns:
            raise PabulibError(header_line, f"column {name} twice in the {section} header")
        columns[name] = position
    for name in required:
        if name not in columns:
            raise PabulibError(header_line, f"the {section} header has no {name} column")
    return columns


def _cells(line: int, row: list[str], header: list[str]) -> dict[str, str]:
    if len(row) != len(header):
        raise PabulibError(line, f"{len(row)} fields where the header has {len(header)}")
    return dict(zip(header, row, strict=True))


def _projects(section: tuple[int, list[str], list[tuple[int, list[str]]]]) -> dict[str, ProjectRow]:
    header_line, header, rows = section
    _columns(header_line, header, ("project_id", "cost"), "PROJECTS")
    projects: dict[str, ProjectRow] = {}
    for line, row in rows:
        cells = _cells(line, row, header)
        project_id = cells["project_id"]
        if not project_id:
            raise PabulibError(line, "a project without an id")
        if project_id in projects:
            raise PabulibError(line, f"project {project_id} given twice")
        try:
            cost = _amount(cells["cost"])
            votes = None if _missing(cells.get("votes", "")) else _whole(cells["votes"])
        except ValueError as error:
            raise PabulibError(line, f"project {project_id}: {error}") from None
        selected_text = cells.get("selected", "")
        if not _missing(selected_text) and selected_text not in ("0", "1"):
            raise PabulibError(line, f"project {project_id}: selected is {selected_text!r}, not 0 or 1")
        projects[project_id] = ProjectRow(
            id=project_id,
            cost=cost,
            name=cells.get("name", ""),
            extra={k: v for k, v in cells.items() if k not in PROJECT_COLUMNS},
            selected=None if _missing(selected_text) else selected_text == "1",
            votes=votes,
        )
    return projects


def _voters(
    section: tuple[int, list[str], list[tuple[int, list[str]]]], projects: dict[str, ProjectRow], vote_type: str
) -> list[VoterRow]:
    header_line, header, rows = section
    columns = _columns(header_line, header, ("voter_id", "vote"), "VOTES")
    if vote_type in WITH_POINTS and "points" not in columns:
        raise PabulibError(header_line, f"{vote_type} ballots need a points column")
    seen: set[str] = set()
    voters = []
    for line, row in rows:
        cells = _cells(line, row, header)
        voter_id = cells["voter_id"]
        if voter_id in seen:
            raise PabulibError(line, f"voter {voter_id} given twice")
        seen.add(voter_id)
        choices = tuple(c.strip() for c in cells["vote"].split(",") if c.strip())
        for choice in choices:
            if choice not in projects:
                raise PabulibError(line, f"voter {voter_id} chose {choice}, which is not in PROJECTS")
        if len(set(choices)) != len(choices):
            raise PabulibError(line, f"voter {voter_id} chose the same project twice")
        points = None
        if "points" in columns:
            try:
                points = tuple(_whole(p) for p in cells["points"].split(",") if p.strip())
            except ValueError as error:
                raise PabulibError(line, f"voter {voter_id}: points {error}") from None
            if len(points) != len(choices):
                raise PabulibError(line, f"voter {voter_id}: {len(points)} points for {len(choices)} projects")
        extra = {k: v for k, v in cells.items() if k not in VOTER_COLUMNS}
        voters.append(VoterRow(voter_id, choices, points, extra))
    return voters


def _extra_columns(rows: list[dict[str, str]]) -> list[str]:
    return list(dict.fromkeys(key for row in rows for key in row))


def _amount_text(value: int | None) -> str:
    return "" if value is None else str(value)


def write(election: Election) -> str:
    """The election as Pabulib text; num_projects and num_votes always say what the file holds."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    meta = {**election.meta, "num_projects": str(len(election.projects)), "num_votes": str(len(election.voters))}
    writer.writerow(["META"])
    writer.writerow(["key", "value"])
    writer.writerows(meta.items())

    projects = list(election.projects.values())
    extra = _extra_columns([p.extra for p in projects])
    with_votes = any(p.votes is not None for p in projects)
    with_selected = any(p.selected is not None for p in projects)
    writer.writerow(["PROJECTS"])
    writer.writerow(
        ["project_id", "cost", *(["votes"] if with_votes else []), "name", *extra]
        + (["selected"] if with_selected else [])
    )
    for p in projects:
        selected = [] if not with_selected else ["" if p.selected is None else str(int(p.selected))]
        votes = [_amount_text(p.votes)] if with_votes else []
        writer.writerow([p.id, str(p.cost), *votes, p.name, *(p.extra.get(k, "") for k in extra), *selected])

    extra = _extra_columns([v.extra for v in election.voters])
    with_points = election.vote_type in WITH_POINTS or any(v.points is not None for v in election.voters)
    writer.writerow(["VOTES"])
    writer.writerow(["voter_id", "vote", *(["points"] if with_points else []), *extra])
    for v in election.voters:
        points = [",".join(map(str, v.points or ()))] if with_points else []
        writer.writerow([v.id, ",".join(v.choices), *points, *(v.extra.get(k, "") for k in extra)])
    return out.getvalue()
