"""Reads of the scorecards, each measure in SQL in one place: the pages, the JSON and CSV files and the open data page
all read these two functions.

- `performance`: a municipality's scores in the national evaluation of municipal performance, every criterion and
  every year loaded, beside the median of its governorate and of the country.
- `service`: the service scorecard computed from the portal's own reports (the citizen charter made visible), per
  municipality, district and category, month by month and over the whole period.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.utils import timezone

from gisportal.db import reading_connection


def _rows(sql: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    with reading_connection().cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


# The criteria form a tree by their codes: a domain has two digits ("10"), its subdomains extend it ("101", "1210")
# and their criteria extend those ("10114", "1210124"). The total (criterion NULL) is the sum of the three domains,
# out of 100, as the evaluation adds it. Medians are over the municipalities scored that year.
PERFORMANCE_SQL = """
WITH criterion AS (
    SELECT c.id, c.code, c.level, c.name_fr, c.name_ar, c.max_score, left(c.code, 2) AS domain,
           CASE WHEN c.level = 'subdomain' THEN c.code
                WHEN c.level = 'criterion' THEN (
                    SELECT p.code FROM scorecards_performancecriterion p
                     WHERE p.level = 'subdomain' AND c.code LIKE p.code || '%%'
                     ORDER BY length(p.code) DESC LIMIT 1) END AS subdomain
      FROM scorecards_performancecriterion c
), score AS (
    SELECT s.municipality_id, s.year, s.criterion_id, s.score, s.max_score FROM scorecards_performancescore s
    UNION ALL
    SELECT s.municipality_id, s.year, NULL, sum(s.score), sum(s.max_score)
      FROM scorecards_performancescore s JOIN criterion c ON c.id = s.criterion_id AND c.level = 'domain'
     GROUP BY s.municipality_id, s.year
), placed AS (
    -- Ranks as the national map ranks the total (finances.selectors.standings): the highest score first, ties shared.
    SELECT s.*, m.governorate_id,
           rank() OVER (PARTITION BY s.year, s.criterion_id ORDER BY s.score DESC) AS national_rank,
           rank() OVER (PARTITION BY s.year, s.criterion_id, m.governorate_id ORDER BY s.score DESC) AS governorate_rank
      FROM score s JOIN layers_municipality m ON m.id = s.municipality_id
), national AS (
    SELECT year, criterion_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY score) AS median, count(*) AS n
      FROM placed GROUP BY year, criterion_id
), governorate AS (
    SELECT year, criterion_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY score) AS median, count(*) AS n
      FROM placed WHERE governorate_id = (SELECT governorate_id FROM layers_municipality WHERE id = %(m)s)
     GROUP BY year, criterion_id
)
SELECT n.year, c.code, COALESCE(c.level, 'total'), c.domain, c.subdomain, COALESCE(c.name_fr, ''),
       COALESCE(c.name_ar, ''), COALESCE(c.max_score, 100), own.score, own.max_score,
       g.median, COALESCE(g.n, 0), n.median, n.n, own.national_rank::int, own.governorate_rank::int
  FROM national n
  LEFT JOIN criterion c ON c.id = n.criterion_id
  LEFT JOIN governorate g ON g.year = n.year AND g.criterion_id IS NOT DISTINCT FROM n.criterion_id
  LEFT JOIN placed own
    ON own.municipality_id = %(m)s AND own.year = n.year AND own.criterion_id IS NOT DISTINCT FROM n.criterion_id
 ORDER BY n.year, c.domain NULLS FIRST,
          NULLIF(regexp_replace(substr(c.subdomain, 3), '[^0-9]', '', 'g'), '')::bigint NULLS FIRST,
          c.level = 'criterion', c.code"""


@dataclass(frozen=True)
class Score:
    """One criterion (or the total, `code` None) in one year: the municipality's score against the medians."""

    year: int
    code: str | None
    level: str  # "total", "domain", "subdomain" or "criterion"
    domain: str | None
    subdomain: str | None
    name_fr: str
    name_ar: str
    max_score: float
    score: float | None  # None: the municipality was not scored on it that year
    own_max_score: float | None
    governorate_median: float | None
    governorate_scored: int  # municipalities of the governorate scored
    national_median: float
    national_scored: int
    national_rank: int | None  # 1: the highest score of the year; among `national_scored`
    governorate_rank: int | None  # among `governorate_scored`


def performance(municipality_id: int) -> list[Score]:
    """Every criterion of every year evaluated, oldest year first, each domain followed by its subdomains and their
    criteria, the total first; the municipality's own score is None where it was not evaluated."""
    return [Score(*row) for row in _rows(PERFORMANCE_SQL, {"m": municipality_id})]


# One row per report, with its charter target and its history. A report counts in the month it was received
# (Tunis time). Duplicates count nowhere; rejected reports count as reports received, not in the service measures.
SERVICE_SQL = """
WITH report AS (
    SELECT c.id, c.municipality_id, c.district_id, c.category, c.status, c.created_at,
           date_trunc('month', c.created_at AT TIME ZONE %(tz)s)::date AS month,
           c.status <> 'rejected' AS served,
           CASE WHEN own_catalogue.municipality_id IS NOT NULL THEN own.target_days ELSE national.target_days END
             AS target_days
      FROM layers_complaint c
      LEFT JOIN (SELECT DISTINCT municipality_id FROM complaints_servicecategory WHERE municipality_id IS NOT NULL)
           own_catalogue ON own_catalogue.municipality_id = c.municipality_id
      LEFT JOIN complaints_servicecategory own ON own.municipality_id = c.municipality_id AND own.code = c.category
      LEFT JOIN complaints_servicecategory national ON national.municipality_id IS NULL AND national.code = c.category
     WHERE NOT c.is_hidden AND c.status <> 'duplicate' AND (%(m)s::int IS NULL OR c.municipality_id = %(m)s)
       AND c.created_at < %(now)s
), fact AS (
    -- Each report's history and answers through their complaint_id index: one short scan per report, whatever
    -- the planner believes of freshly loaded tables.
    SELECT r.*, h.acknowledged_at, COALESCE(h.reopened, false) AS reopened, COALESCE(h.closed, false) AS closed,
           CASE WHEN r.status = 'resolved' THEN h.resolved_at END AS resolved_at,
           a.answers, a.satisfied
      FROM report r
      CROSS JOIN LATERAL (
          SELECT min(u.created_at) FILTER (WHERE u.status NOT IN ('submitted', 'reopened')) AS acknowledged_at,
                 max(u.created_at) FILTER (WHERE u.status = 'resolved') AS resolved_at,
                 bool_or(u.status = 'reopened') AS reopened,
                 bool_or(u.status IN ('resolved', 'closed_without_fix')) AS closed
            FROM complaints_complaintupdate u WHERE u.complaint_id = r.id AND u.created_at < %(now)s) h
      CROSS JOIN LATERAL (
          SELECT count(*) AS answers, count(*) FILTER (WHERE s.satisfied) AS satisfied
            FROM complaints_satisfactionanswer s WHERE s.complaint_id = r.id AND s.created_at < %(now)s) a
), measured AS (
    SELECT f.*,
           extract(epoch FROM f.acknowledged_at - f.created_at) / 86400 AS acknowledge_days,
           extract(epoch FROM f.resolved_at - f.created_at) / 86400 AS resolve_days,
           f.resolved_at <= f.created_at + make_interval(days => f.target_days) AS in_target,
           f.resolved_at IS NOT NULL OR f.created_at + make_interval(days => f.target_days) <= %(now)s AS due
      FROM fact f
)
SELECT GROUPING(x.month, x.district_id, x.category), m.code, x.month, x.district_id,
       CASE WHEN GROUPING(x.district_id) = 0 THEN COALESCE(max(d.name), '') ELSE '' END,
       CASE WHEN GROUPING(x.district_id) = 0 THEN COALESCE(max(d.name_ar), '') ELSE '' END, x.category,
       CASE WHEN GROUPING(x.category) = 0 THEN max(x.target_days) END,
       count(*),
       (1000.0 * count(*) / NULLIF(CASE WHEN GROUPING(x.district_id) = 0 THEN max(d.population)
                                        ELSE max(m.population) END, 0))::float,
       count(*) FILTER (WHERE x.served AND x.due AND x.target_days IS NOT NULL),
       count(*) FILTER (WHERE x.served AND x.in_target),
       (100.0 * count(*) FILTER (WHERE x.served AND x.in_target)
              / NULLIF(count(*) FILTER (WHERE x.served AND x.due AND x.target_days IS NOT NULL), 0))::float,
       count(x.acknowledge_days) FILTER (WHERE x.served),
       (percentile_cont(0.5) WITHIN GROUP (ORDER BY x.acknowledge_days) FILTER (WHERE x.served))::float,
       count(x.resolve_days) FILTER (WHERE x.served),
       (percentile_cont(0.5) WITHIN GROUP (ORDER BY x.resolve_days) FILTER (WHERE x.served))::float,
       count(*) FILTER (WHERE x.served AND x.closed),
       (100.0 * count(*) FILTER (WHERE x.served AND x.closed AND x.reopened)
              / NULLIF(count(*) FILTER (WHERE x.served AND x.closed), 0))::float,
       count(*) FILTER (WHERE x.served AND x.status IN ('resolved', 'closed_without_fix')),
       (100.0 * count(*) FILTER (WHERE x.served AND x.status = 'closed_without_fix')
              / NULLIF(count(*) FILTER (WHERE x.served AND x.status IN ('resolved', 'closed_without_fix')), 0))::float,
       COALESCE(sum(x.answers), 0)::int,
       (100.0 * sum(x.satisfied) / NULLIF(sum(x.answers), 0))::float
  FROM measured x
  JOIN layers_municipality m ON m.id = x.municipality_id
  LEFT JOIN layers_district d ON d.id = x.district_id
 GROUP BY m.code, GROUPING SETS ((), (x.district_id), (x.category), (x.month), (x.month, x.district_id),
                                 (x.month, x.category))
 ORDER BY m.code, GROUPING(x.district_id) + GROUPING(x.category) = 2 DESC, GROUPING(x.district_id),
          x.district_id IS NULL, CASE WHEN GROUPING(x.district_id) = 0 THEN max(d.name) END, x.district_id,
          x.category, x.month NULLS FIRST"""

# GROUPING(month, district, category) as a bit mask: which of the three a row is NOT broken down by.
BREAKDOWNS = {0b111: "all", 0b101: "district", 0b110: "category", 0b011: "month", 0b001: "month_district",
              0b010: "month_category"}  # fmt: skip


@dataclass(frozen=True)
class ServiceLevel:
    """The service scorecard of one municipality for one month (or the whole period, `month` None), overall or for
    one district (`district_id`; None with breakdown "district": reports outside every district) or one category.
    Shares are percents, days are fractional days; None where nothing could be measured."""

    breakdown: str  # "all", "district", "category", "month", "month_district", "month_category"
    municipality_code: str
    month: datetime.date | None
    district_id: int | None
    district_name: str
    district_name_ar: str
    category: str | None
    target_days: int | None  # the charter's target, on a category's rows
    reports: int  # received, duplicates left out
    per_1000: float | None  # reports per 1,000 inhabitants (of the district, for a district's row)
    due: int  # served reports resolved or past the charter's target
    in_target: int
    in_target_share: float | None
    acknowledged: int
    acknowledge_days: float | None  # median
    resolved: int
    resolve_days: float | None  # median
    closed: int  # served reports ever closed (resolved or closed without a fix)
    reopen_rate: float | None
    ended: int  # served reports closed now
    without_fix_share: float | None
    answers: int
    satisfied_share: float | None


def service(municipality_id: int | None = None, *, now: datetime.datetime | None = None) -> list[ServiceLevel]:
    """The service scorecard of one municipality (every one with reports for None), as of `now`: its whole period,
    then by district and by category, each followed by its months, oldest first."""
    rows = _rows(SERVICE_SQL, {"m": municipality_id, "now": now or timezone.now(), "tz": settings.TIME_ZONE})
    return [ServiceLevel(BREAKDOWNS[row[0]], *row[1:]) for row in rows]
