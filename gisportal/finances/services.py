"""Writes: the tags of expense lines. Every write is transactional and kept in the tags' history."""

from django.db import connection, transaction
from simple_history.utils import bulk_create_with_history

from gisportal.finances.models import Function, LineTag, SyntheticBudget
from gisportal.finances.nomenclature import default_function
from layers.models import Municipality


@transaction.atomic
def seed_default_tags(*, municipality: Municipality) -> int:
    """Tag every expense line of the municipality (any year) that has no tag yet with the nomenclature's default
    function, marked as set by the rule; the lines staff have tagged are left alone. Returns how many were added."""
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT DISTINCT ON (title, article, paragraph, sub_paragraph)
                      title, article, paragraph, sub_paragraph, label_ar
                 FROM (SELECT title, article, paragraph, sub_paragraph, label_ar, year
                         FROM scorecards_budgetline WHERE municipality_id = %(m)s AND kind = 'expense'
                       UNION ALL
                       SELECT title, article, paragraph, sub_paragraph, label_ar, year
                         FROM scorecards_budgetexecution WHERE municipality_id = %(m)s AND kind = 'expense') l
                WHERE NOT EXISTS (
                      SELECT 1 FROM finances_linetag t
                       WHERE t.municipality_id = %(m)s
                         AND (t.title, t.article, t.paragraph, t.sub_paragraph)
                           = (l.title, l.article, l.paragraph, l.sub_paragraph))
                ORDER BY title, article, paragraph, sub_paragraph, year DESC""",
            {"m": municipality.pk},
        )
        lines = cursor.fetchall()
    tags = [
        LineTag(
            municipality=municipality,
            title=title,
            article=article,
            paragraph=paragraph,
            sub_paragraph=sub_paragraph,
            label_ar=label_ar[:300],
            function=default_function(article, paragraph, sub_paragraph),
            from_rule=True,
        )
        for title, article, paragraph, sub_paragraph, label_ar in lines
    ]
    bulk_create_with_history(tags, LineTag, default_change_reason="default function from the nomenclature")
    return len(tags)


@transaction.atomic
def tag_line(*, tag: LineTag, function: Function | str, gender_sensitive: bool, note: str = "") -> LineTag:
    """A staff member's tag of one line: it is no longer the rule's."""
    tag.function = Function(function)
    tag.gender_sensitive = gender_sensitive
    tag.note = note
    tag.from_rule = False
    tag.full_clean()
    tag.save(update_fields=["function", "gender_sensitive", "note", "from_rule"])
    return tag


# Each line's amount: the template's, scaled by the populations, times a factor in [0.8, 1.2) drawn from the line and
# the year (md5 of them: the same seed gives the same budget), so that no two pilots' budgets look alike.
SYNTHETIC_LINES_SQL = """
INSERT INTO {table} (municipality_id, {columns}, amount)
SELECT %(m)s, {columns},
       round(amount * %(ratio)s * (0.8 + 0.4 * ('x' || substr(md5(%(seed)s || kind || title || article || paragraph
             || sub_paragraph || year), 1, 8))::bit(32)::bigint / 4294967296.0))::bigint
  FROM {table} WHERE municipality_id = %(template)s
"""


@transaction.atomic
def seed_synthetic_budget(*, municipality: Municipality, template: Municipality) -> int:
    """A made-up budget and execution for a municipality without one, from `template`'s lines (demo data only);
    returns the number of budget lines made. Refused when the municipality has a budget of its own."""
    if municipality.budget_lines.exists() or not (municipality.population and template.population):
        raise ValueError(f"{municipality} has a budget of its own, or a population is unknown: nothing made up.")
    SyntheticBudget.objects.create(municipality=municipality, made_from=template)
    ratio = municipality.population / template.population
    params: dict[str, int | float | str] = {
        "m": municipality.pk,
        "template": template.pk,
        "ratio": ratio,
        "seed": municipality.code,
    }
    made = 0
    with connection.cursor() as cursor:
        for table, columns in (
            ("scorecards_budgetline", "kind, title, article, paragraph, sub_paragraph, label_ar, year"),
            ("scorecards_budgetexecution", "kind, title, article, paragraph, sub_paragraph, label_ar, year, month"),
        ):
            cursor.execute(SYNTHETIC_LINES_SQL.format(table=table, columns=columns), params)
            made = made or cursor.rowcount
    return made
