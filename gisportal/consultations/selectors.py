"""Reads of consultations. Public reads never name an author; groups appear only as totals, small ones withheld."""

from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone
from django.utils.translation import get_language

from gisportal.consultations.models import Comment, Consultation, Question, Section, Stance
from gisportal.participants.models import AgeBand, Gender, Participant
from gisportal.participants.services import keyed_hash
from layers.models import District, Municipality

# Groups smaller than this are shown as "fewer than 5": a total by district, gender and age must not point at a person.
SMALLEST_GROUP = 5
GROUPS = ("gender", "age_band", "district")


def answer_key(consultation: Consultation, participant: Participant) -> str:
    """The only link from a respondent to her survey answers: a keyed hash no page, export or admin shows."""
    return keyed_hash("consultation-survey", f"{consultation.pk}:{participant.pk}")


def consultations(municipality: Municipality | None = None) -> QuerySet[Consultation]:
    """Every consultation once it has opened (an upcoming one is listed too, read-only), newest first."""
    found = Consultation.objects.select_related("municipality").annotate(
        comment_count=Count("comments", filter=Q(comments__hidden_at__isnull=True))
    )
    if municipality is not None:
        found = found.filter(municipality=municipality)
    return found.order_by("-opens_on", "pk")


def open_now(**where: object) -> QuerySet[Consultation]:
    today = timezone.localdate()
    return (
        Consultation.objects.filter(opens_on__lte=today, closes_on__gte=today, closed_at__isnull=True, **where)
        .select_related("municipality")
        .order_by("closes_on", "pk")
    )


def consultation_of(code: str, pk: int) -> Consultation | None:
    return Consultation.objects.select_related("municipality").filter(municipality__code=code, pk=pk).first()


def sections(consultation: Consultation) -> list[Section]:
    """Its sections in order, each with its stance counts and its top-level comments and their replies."""
    replies = Comment.objects.select_related("district").order_by("created_at", "pk")
    top = (
        Comment.objects.filter(parent__isnull=True)
        .select_related("district")
        .prefetch_related(Prefetch("replies", replies))
        .order_by("created_at", "pk")
    )
    return list(
        consultation.sections.annotate(
            supports=Count("stances", filter=Q(stances__value=Stance.Value.SUPPORT), distinct=True),
            opposes=Count("stances", filter=Q(stances__value=Stance.Value.OPPOSE), distinct=True),
        )
        .prefetch_related(Prefetch("comments", top, to_attr="threads"))
        .order_by("position", "pk")
    )


def map_comments(consultation: Consultation) -> list[Comment]:
    """The top-level comments dropped on the map, for the list under it (the map draws the same from GeoJSON)."""
    return list(
        consultation.comments.filter(location__isnull=False, parent__isnull=True)
        .select_related("district", "section")
        .prefetch_related(Prefetch("replies", Comment.objects.order_by("created_at", "pk")))
        .order_by("-created_at", "pk")
    )


def own_stances(consultation: Consultation, participant: Participant | None) -> dict[int, str]:
    if participant is None:
        return {}
    return dict(
        Stance.objects.filter(section__consultation=consultation, participant=participant).values_list(
            "section_id", "value"
        )
    )


def questions(consultation: Consultation) -> list[Question]:
    return list(consultation.questions.prefetch_related("choices").order_by("position", "pk"))


def own_answer(consultation: Consultation, participant: Participant | None) -> set[int]:
    if participant is None:
        return set()
    answer = consultation.survey_answers.filter(key=answer_key(consultation, participant)).first()
    return set(answer.choices) if answer else set()


def comments_geojson(consultation: Consultation) -> str:
    """Comments on the map as GeoJSON built by PostGIS, with what a popup shows (never the author; hidden ones
    carry the moderator's reason instead of their text)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(json_build_object(
                'type', 'Feature', 'id', c.id,
                'geometry', ST_AsGeoJSON(c.location, 6)::json,
                'properties', json_build_object(
                    'text', CASE WHEN c.hidden_at IS NULL THEN left(c.body, 280) END,
                    'hidden_reason', CASE WHEN c.hidden_at IS NOT NULL THEN c.hidden_reason END,
                    'section', s.title, 'district', d.name, 'district_ar', nullif(d.name_ar, ''),
                    'written', to_char(c.created_at, 'YYYY-MM-DD'),
                    'replies', (SELECT count(*) FROM consultations_comment r
                                 WHERE r.parent_id = c.id AND r.hidden_at IS NULL))
            ) ORDER BY c.id), '[]'::json))::text
              FROM consultations_comment c
              LEFT JOIN consultations_section s ON s.id = c.section_id
              LEFT JOIN layers_district d ON d.id = c.district_id
             WHERE c.consultation_id = %s AND c.location IS NOT NULL AND c.parent_id IS NULL
            """,
            [consultation.pk],
        )
        return cursor.fetchone()[0]


# --- the report -------------------------------------------------------------------------------------------------


def _shown(count: int) -> int | None:
    return count if count >= SMALLEST_GROUP else None


GROUP_LABELS = {
    "gender": dict(Gender.choices),
    "age_band": dict(AgeBand.choices),
    "source": dict(Participant.Source.choices),
}


@dataclass(frozen=True)
class SectionFigures:
    section: Section
    comments: int
    replies: int
    hidden: int
    supports: int
    opposes: int


@dataclass(frozen=True)
class ChoiceFigures:
    label: str
    total: int
    by_group: dict[str, dict[str, int | None]]  # group -> value -> count (None: fewer than SMALLEST_GROUP)


@dataclass(frozen=True)
class QuestionFigures:
    question: Question
    respondents: int
    choices: list[ChoiceFigures]


@dataclass
class Report:
    participants: int
    respondents: int
    by_group: dict[str, list[tuple[str, int | None]]] = field(default_factory=dict)
    located_by_district: list[tuple[str, int]] = field(default_factory=list)
    sections: list[SectionFigures] = field(default_factory=list)
    survey: list[QuestionFigures] = field(default_factory=list)


def _district_names(ids: set[int], *, local: bool = True) -> dict[int, str]:
    """District names for the reader: Arabic ones on Arabic pages when known (files keep the French names)."""
    arabic = local and get_language() == "ar"
    rows = District.objects.filter(pk__in=ids).values_list("pk", "name", "name_ar")
    return {pk: (name_ar if arabic and name_ar else name) for pk, name, name_ar in rows}


def participation_by_group(
    consultation: Consultation, *, local: bool = True
) -> tuple[int, dict[str, list[tuple[str, int | None]]]]:
    """Participants in all, and by gender, age band and district (one query, grouping sets)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT grouping(p.gender), grouping(p.age_band), grouping(p.district_id), grouping(pp.source),
                   p.gender, p.age_band, p.district_id, pp.source, count(*)
              FROM consultations_participation p JOIN participants_participant pp ON pp.id = p.participant_id
             WHERE p.consultation_id = %s
             GROUP BY GROUPING SETS ((), (p.gender), (p.age_band), (p.district_id), (pp.source))
            """,
            [consultation.pk],
        )
        rows = cursor.fetchall()
    names = _district_names({row[6] for row in rows if row[6] is not None}, local=local)
    total = 0
    groups: dict[str, list[tuple[str, int | None]]] = {"gender": [], "age_band": [], "district": [], "source": []}
    for g_gender, g_age, g_district, g_source, gender, age, district, source, n in rows:
        if g_gender and g_age and g_district and g_source:
            total = n
        elif not g_source:
            groups["source"].append((source, n))  # online or on paper: not a personal group, never withheld
        elif not g_gender:
            groups["gender"].append((gender or "", _shown(n)))
        elif not g_age:
            groups["age_band"].append((age or "", _shown(n)))
        else:
            groups["district"].append((names.get(district, "") if district else "", _shown(n)))
    for rows_of_group in groups.values():
        rows_of_group.sort(key=lambda row: (row[0] == "", row[0]))
    return total, groups


def section_figures(consultation: Consultation) -> list[SectionFigures]:
    found = consultation.sections.annotate(
        n_comments=Count(
            "comments", filter=Q(comments__parent__isnull=True, comments__hidden_at__isnull=True), distinct=True
        ),
        n_replies=Count(
            "comments", filter=Q(comments__parent__isnull=False, comments__hidden_at__isnull=True), distinct=True
        ),
        n_hidden=Count("comments", filter=Q(comments__hidden_at__isnull=False), distinct=True),
        supports=Count("stances", filter=Q(stances__value=Stance.Value.SUPPORT), distinct=True),
        opposes=Count("stances", filter=Q(stances__value=Stance.Value.OPPOSE), distinct=True),
    ).order_by("position", "pk")
    return [
        SectionFigures(s, s.n_comments, s.n_replies, s.n_hidden, s.supports, s.opposes)  # type: ignore[attr-defined]
        for s in found
    ]


def located_by_district(consultation: Consultation, *, local: bool = True) -> list[tuple[str, int]]:
    rows = list(
        consultation.comments.filter(location__isnull=False, hidden_at__isnull=True)
        .values("district")
        .annotate(n=Count("pk"))
        .order_by("district")
    )
    names = _district_names({row["district"] for row in rows if row["district"]}, local=local)
    return sorted((names.get(row["district"], ""), row["n"]) for row in rows)


def survey_figures(consultation: Consultation, *, local: bool = True) -> tuple[int, list[QuestionFigures]]:
    """Each answer's count in all and by each group, from the answers' own copies of the group (one query)."""
    found = questions(consultation)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT chosen.choice_id, grouping(a.gender), grouping(a.age_band), grouping(a.district_id),
                   a.gender, a.age_band, a.district_id, count(*)
              FROM consultations_surveyanswer a
              CROSS JOIN LATERAL unnest(a.choices) AS chosen(choice_id)
             WHERE a.consultation_id = %s
             GROUP BY GROUPING SETS ((chosen.choice_id), (chosen.choice_id, a.gender),
                                     (chosen.choice_id, a.age_band), (chosen.choice_id, a.district_id))
            """,
            [consultation.pk],
        )
        rows = cursor.fetchall()
        cursor.execute("SELECT count(*) FROM consultations_surveyanswer WHERE consultation_id = %s", [consultation.pk])
        respondents = cursor.fetchone()[0]
    names = _district_names({row[6] for row in rows if row[6] is not None}, local=local)
    totals: dict[int, int] = {}
    by_group: dict[int, dict[str, dict[str, int | None]]] = {}
    for choice_id, g_gender, g_age, g_district, gender, age, district_id, n in rows:
        if g_gender and g_age and g_district:
            totals[choice_id] = n
            continue
        group, value = (
            ("gender", gender)
            if not g_gender
            else ("age_band", age)
            if not g_age
            else ("district", names.get(district_id, ""))
        )
        by_group.setdefault(choice_id, {}).setdefault(group, {})[value or ""] = _shown(n)
    figures = []
    for question in found:
        figures.append(
            QuestionFigures(
                question,
                respondents,  # every question must be answered, so each respondent answered each
                [ChoiceFigures(c.label, totals.get(c.pk, 0), by_group.get(c.pk, {})) for c in question.choices.all()],
            )
        )
    return respondents, figures


def report(consultation: Consultation, *, local: bool = True) -> Report:
    """The report's figures; `local` names districts in the page's language (False: the French names, for files)."""
    participants, groups = participation_by_group(consultation, local=local)
    respondents, survey = survey_figures(consultation, local=local)
    return Report(
        participants=participants,
        respondents=respondents,
        by_group=groups,
        located_by_district=located_by_district(consultation, local=local),
        sections=section_figures(consultation),
        survey=survey,
    )


def group_values(report_: Report, group: str) -> list[str]:
    """The values a group takes in the survey's tables (columns of the breakdown), in a stable order."""
    values = {v for q in report_.survey for c in q.choices for v in c.by_group.get(group, {})}
    return sorted(values, key=lambda v: (v == "", v))
