"""Reads of municipal budgets, all in SQL, each figure in one place: the budget page, the national page, the JSON
and CSV endpoints and the open data page all read these functions. Amounts are millimes (TND / 1000) as stored.

The executed amount of a year is the execution statement of its latest month loaded (cumulative from January):
month 12 is the closing account. A budgeted amount is NULL where a line did not exist that year (not 0).
"""

# ruff: noqa: S608 (the SQL is assembled from this module's constants and the nomenclature's; values are parameters)
from dataclasses import dataclass
from typing import Any

from gisportal.db import reading_connection
from gisportal.finances.nomenclature import OWN_REVENUE_SQL, PART_SQL, function_sql
from maps.selectors import NATIONAL_TOLERANCE


def _rows(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    with reading_connection().cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# A synthetic demo budget (finances.SyntheticBudget) is read on its own municipality's page only, never nationally.
REAL_BUDGET = """(%(m)s::int IS NOT NULL OR NOT EXISTS (
    SELECT 1 FROM finances_syntheticbudget s WHERE s.municipality_id = {alias}.municipality_id))"""

# Per municipality and year: budgeted totals, own revenue, executed totals to the latest month loaded, and the
# national performance evaluation's total (the sum of its three domains, out of 100). %(m)s / %(y)s narrow it.
FACTS_SQL = f"""
WITH budget AS (
    SELECT b.municipality_id, b.year,
           sum(b.amount) FILTER (WHERE b.kind = 'revenue')::bigint AS revenue,
           sum(b.amount) FILTER (WHERE b.kind = 'expense')::bigint AS expense,
           sum(b.amount) FILTER (WHERE {OWN_REVENUE_SQL.format(alias="b")})::bigint AS own_revenue
      FROM scorecards_budgetline b
     WHERE (%(m)s::int IS NULL OR b.municipality_id = %(m)s) AND (%(y)s::int IS NULL OR b.year = %(y)s)
       AND {REAL_BUDGET.format(alias="b")}
     GROUP BY b.municipality_id, b.year
), latest AS (
    SELECT e.municipality_id, e.year, e.kind, max(e.month) AS month
      FROM scorecards_budgetexecution e
     WHERE (%(m)s::int IS NULL OR e.municipality_id = %(m)s) AND (%(y)s::int IS NULL OR e.year = %(y)s)
       AND {REAL_BUDGET.format(alias="e")}
     GROUP BY e.municipality_id, e.year, e.kind
), executed AS (
    SELECT e.municipality_id, e.year,
           sum(e.amount) FILTER (WHERE e.kind = 'revenue')::bigint AS revenue_executed,
           max(l.month) FILTER (WHERE e.kind = 'revenue') AS revenue_month,
           sum(e.amount) FILTER (WHERE e.kind = 'expense')::bigint AS expense_executed,
           max(l.month) FILTER (WHERE e.kind = 'expense') AS expense_month
      FROM scorecards_budgetexecution e
      JOIN latest l ON (l.municipality_id, l.year, l.kind, l.month) = (e.municipality_id, e.year, e.kind, e.month)
     GROUP BY e.municipality_id, e.year
), score AS (
    SELECT s.municipality_id, s.year, sum(s.score)::float AS score
      FROM scorecards_performancescore s
      JOIN scorecards_performancecriterion c ON c.id = s.criterion_id AND c.level = 'domain'
     WHERE (%(m)s::int IS NULL OR s.municipality_id = %(m)s) AND (%(y)s::int IS NULL OR s.year = %(y)s)
     GROUP BY s.municipality_id, s.year
), facts AS (
    SELECT COALESCE(b.municipality_id, x.municipality_id, s.municipality_id) AS municipality_id,
           COALESCE(b.year, x.year, s.year) AS year,
           b.revenue, b.expense, b.own_revenue,
           x.revenue_executed, x.revenue_month, x.expense_executed, x.expense_month, s.score
      FROM budget b
      FULL JOIN executed x ON (x.municipality_id, x.year) = (b.municipality_id, b.year)
      FULL JOIN score s ON (s.municipality_id, s.year) = (COALESCE(b.municipality_id, x.municipality_id),
                                                        COALESCE(b.year, x.year))
)"""


@dataclass(frozen=True)
class Measure:
    key: str
    sql: str  # the value, over `facts f` joined to `layers_municipality m`
    month_sql: str = "NULL::int"  # the month the value runs to, when it is an execution


# Each measure once. Per inhabitant in dinars; shares and rates in percent; the score out of 100.
MEASURES: dict[str, Measure] = {
    "budget_per_inhabitant": Measure("budget_per_inhabitant", "f.expense / 1000.0 / NULLIF(m.population, 0)"),
    "own_revenue_share": Measure("own_revenue_share", "100.0 * f.own_revenue / NULLIF(f.revenue, 0)"),
    "execution_rate": Measure("execution_rate", "100.0 * f.expense_executed / NULLIF(f.expense, 0)", "f.expense_month"),
    "performance_score": Measure("performance_score", "f.score"),
}


@dataclass(frozen=True)
class Fact:
    year: int
    revenue: int | None
    expense: int | None
    own_revenue: int | None
    revenue_executed: int | None
    revenue_month: int | None
    expense_executed: int | None
    expense_month: int | None
    score: float | None


def facts(municipality_id: int) -> list[Fact]:
    """A municipality's totals, every year loaded (budget, execution or evaluation), oldest first."""
    rows = _rows(
        FACTS_SQL
        + """
        SELECT year, revenue, expense, own_revenue, revenue_executed, revenue_month, expense_executed,
               expense_month, score FROM facts ORDER BY year""",
        {"m": municipality_id, "y": None},
    )
    return [Fact(*row) for row in rows]


def measure_years(measure: str) -> list[int]:
    """The years in which at least one municipality has a value of `measure`, latest first."""
    spec = MEASURES[measure]
    rows = _rows(
        FACTS_SQL
        + f"""
        SELECT DISTINCT f.year FROM facts f JOIN layers_municipality m ON m.id = f.municipality_id
         WHERE {spec.sql} IS NOT NULL ORDER BY f.year DESC""",
        {"m": None, "y": None},
    )
    return [row[0] for row in rows]


@dataclass(frozen=True)
class Standing:
    """One municipality's value of a measure in a year, and its place nationally and in its governorate."""

    code: str
    name_fr: str
    name_ar: str
    governorate_code: str
    governorate_fr: str
    governorate_ar: str
    population: int | None
    value: float | None  # None: no data for this municipality that year
    month: int | None
    rank: int | None  # 1 = the highest value
    ranked: int  # how many municipalities have a value
    governorate_rank: int | None
    governorate_ranked: int


def standings(measure: str, year: int) -> list[Standing]:
    """Every municipality (with or without data) for one measure and year, the highest value first."""
    spec = MEASURES[measure]
    rows = _rows(
        FACTS_SQL
        + f""", v AS (
            SELECT f.municipality_id, ({spec.sql})::float AS value, {spec.month_sql} AS month
              FROM facts f JOIN layers_municipality m ON m.id = f.municipality_id
        )
        SELECT m.code, m.name_fr, m.name_ar, g.code, g.name_fr, g.name_ar, m.population, v.value, v.month,
               CASE WHEN v.value IS NOT NULL THEN rank() OVER (PARTITION BY v.value IS NULL ORDER BY v.value DESC) END,
               count(v.value) OVER (),
               CASE WHEN v.value IS NOT NULL
                    THEN rank() OVER (PARTITION BY g.id, v.value IS NULL ORDER BY v.value DESC) END,
               count(v.value) OVER (PARTITION BY g.id)
          FROM layers_municipality m
          JOIN layers_governorate g ON g.id = m.governorate_id
          LEFT JOIN v ON v.municipality_id = m.id AND v.value IS NOT NULL
         ORDER BY v.value DESC NULLS LAST, m.name_fr, m.code""",
        {"m": None, "y": year},
    )
    return [Standing(*row) for row in rows]


# The lines of one municipality's budget for a year, the year before and the year's execution, each expense line
# with its function (the staff's tag, else the nomenclature's rule) and gender-sensitive marker.
LINES_SQL = f"""
WITH latest AS (
    SELECT kind, max(month) AS month FROM scorecards_budgetexecution
     WHERE municipality_id = %(m)s AND year = %(y)s GROUP BY kind
), lines AS (
    SELECT kind, title, article, paragraph, sub_paragraph, label_ar, 0 AS source,
           amount AS budgeted, NULL::bigint AS previous, NULL::bigint AS executed
      FROM scorecards_budgetline WHERE municipality_id = %(m)s AND year = %(y)s
    UNION ALL
    SELECT kind, title, article, paragraph, sub_paragraph, label_ar, 1, NULL, amount, NULL
      FROM scorecards_budgetline WHERE municipality_id = %(m)s AND year = %(y)s - 1
    UNION ALL
    SELECT e.kind, e.title, e.article, e.paragraph, e.sub_paragraph, e.label_ar, 2, NULL, NULL, e.amount
      FROM scorecards_budgetexecution e JOIN latest l ON l.kind = e.kind AND l.month = e.month
     WHERE e.municipality_id = %(m)s AND e.year = %(y)s
), tagged AS (
    SELECT l.*, {PART_SQL.format(alias="l")} AS part,
           CASE WHEN l.kind = 'expense' THEN COALESCE(t.function, {function_sql("l")}) END AS function,
           COALESCE(t.gender_sensitive, false) AS gender_sensitive,
           t.id IS NULL OR t.from_rule AS from_rule
      FROM lines l
      LEFT JOIN finances_linetag t
        ON t.municipality_id = %(m)s AND l.kind = 'expense'
       AND (t.title, t.article, t.paragraph, t.sub_paragraph) = (l.title, l.article, l.paragraph, l.sub_paragraph)
)"""


@dataclass(frozen=True)
class BudgetRow:
    level: str  # "kind", "title", "part", "article" or "line"
    kind: str
    title: str | None
    part: int | None
    article: str | None
    paragraph: str | None
    sub_paragraph: str | None
    label_ar: str
    budgeted: int | None
    previous: int | None
    executed: int | None
    gender_budgeted: int | None  # of `budgeted`, on gender-sensitive lines
    function: str | None  # lines only
    gender_sensitive: bool
    from_rule: bool

    @property
    def change(self) -> float | None:
        """Percent change of the budgeted amount from the year before."""
        if self.budgeted is None or not self.previous:
            return None
        return 100.0 * (self.budgeted - self.previous) / self.previous

    @property
    def execution(self) -> float | None:
        if self.executed is None or not self.budgeted:
            return None
        return 100.0 * self.executed / self.budgeted


LEVELS = {0b11111: "kind", 0b01111: "title", 0b00111: "part", 0b00011: "article", 0: "line"}


def budget_rows(municipality_id: int, year: int) -> list[BudgetRow]:
    """Revenues then expenses, each total followed by its titles, parts, articles and lines, in the nomenclature's
    order; subtotals by GROUPING SETS."""
    rows = _rows(
        LINES_SQL
        + """
        SELECT GROUPING(title, part, article, paragraph, sub_paragraph), kind, title, part, article, paragraph,
               sub_paragraph, COALESCE((array_agg(label_ar ORDER BY source))[1], ''),
               sum(budgeted)::bigint, sum(previous)::bigint, sum(executed)::bigint,
               sum(budgeted) FILTER (WHERE gender_sensitive)::bigint,
               CASE WHEN GROUPING(paragraph) = 0 THEN max(function) END,
               COALESCE(bool_or(gender_sensitive), false), COALESCE(bool_and(from_rule), true)
          FROM tagged
         GROUP BY GROUPING SETS ((kind), (kind, title), (kind, title, part), (kind, title, part, article),
                                 (kind, title, part, article, paragraph, sub_paragraph))
         ORDER BY kind DESC, title NULLS FIRST, part NULLS FIRST, article NULLS FIRST, paragraph NULLS FIRST,
                  sub_paragraph NULLS FIRST""",
        {"m": municipality_id, "y": year},
    )
    return [BudgetRow(LEVELS[row[0]], *row[1:]) for row in rows]


@dataclass(frozen=True)
class FunctionShare:
    function: str | None  # None: the total
    budgeted: int | None
    previous: int | None
    executed: int | None
    gender_budgeted: int | None
    per_dinar: float | None  # millimes of every budgeted dinar of expenses
    per_inhabitant: float | None  # dinars budgeted per inhabitant


def by_function(municipality_id: int, year: int) -> list[FunctionShare]:
    """The year's expenses by function, the largest first, then the total (function None)."""
    rows = _rows(
        LINES_SQL
        + """
        SELECT function, sum(budgeted)::bigint, sum(previous)::bigint, sum(executed)::bigint,
               sum(budgeted) FILTER (WHERE gender_sensitive)::bigint,
               (1000.0 * sum(budgeted) / NULLIF((SELECT sum(budgeted) FROM tagged WHERE kind = 'expense'), 0))::float,
               (sum(budgeted) / 1000.0
                / NULLIF((SELECT population FROM layers_municipality WHERE id = %(m)s), 0))::float
          FROM tagged WHERE kind = 'expense'
         GROUP BY ROLLUP (function)
        HAVING sum(budgeted) IS NOT NULL OR sum(executed) IS NOT NULL OR GROUPING(function) = 1
         ORDER BY GROUPING(function), sum(budgeted) DESC NULLS LAST, function""",
        {"m": municipality_id, "y": year},
    )
    return [FunctionShare(*row) for row in rows]


@dataclass(frozen=True)
class MapFrame:
    width: int
    height: int
    shapes: dict[str, str]  # municipality code -> SVG path data, in the frame's pixels


# The national map's picture: the simplified boundaries of the citizen maps (/m/), in an equirectangular frame
# whose x is shrunk by the cosine of Tunisia's middle latitude, so that the country keeps its shape. Vertices are
# snapped to whole pixels before the relative path is written: exact integer steps, no drift, a light page.
MAP_WIDTH = 400


def national_map(width: int = MAP_WIDTH) -> MapFrame:
    rows = _rows(
        """WITH e AS (SELECT ST_Extent(boundary)::geometry AS box FROM layers_municipality),
                f AS (SELECT ST_XMin(box) AS west, ST_YMax(box) AS north,
                             %(w)s / ((ST_XMax(box) - ST_XMin(box)) * cos(radians((ST_YMin(box) + ST_YMax(box)) / 2)))
                               * cos(radians((ST_YMin(box) + ST_YMax(box)) / 2)) AS sx,
                             %(w)s / ((ST_XMax(box) - ST_XMin(box)) * cos(radians((ST_YMin(box) + ST_YMax(box)) / 2)))
                               AS sy,
                             ST_YMax(box) - ST_YMin(box) AS tall
                        FROM e)
           SELECT m.code,
                  ST_AsSVG(ST_SnapToGrid(ST_Affine(ST_SimplifyPreserveTopology(m.boundary, %(tolerance)s),
                                                   f.sx, 0, 0, f.sy, -f.west * f.sx, -f.north * f.sy), 1), 1, 0),
                  ceil(f.tall * f.sy)::int
             FROM layers_municipality m, f
            ORDER BY m.code""",
        {"w": width, "tolerance": NATIONAL_TOLERANCE},
    )
    height = rows[0][2] if rows else 0
    return MapFrame(width, height, {code: d for code, d, _ in rows})
