"""Writes of a consultation: opening it with its sections, comments and replies, stances, survey answers,
moderation, closing, the municipality's responses and the report.

Each is one transaction; consultations, sections and comments keep a restorable history (simple_history), so a
hidden comment and the reason it was hidden stay on record.
"""

from collections.abc import Sequence
from datetime import date

from django.contrib.auth.models import User
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import update_change_reason

from gisportal.complaints import abuse
from gisportal.consultations import notifications, selectors
from gisportal.consultations.models import (
    Comment,
    Consultation,
    Participation,
    Question,
    Section,
    Stance,
    SurveyAnswer,
)
from gisportal.participants.models import Participant
from layers.models import District, Municipality

MAX_COMMENT = 3000
MAX_REASON = 300


# --- staff: opening, sections, survey ---------------------------------------------------------------------


@transaction.atomic
def open_consultation(
    *,
    municipality: Municipality,
    title: str,
    summary: str,
    kind: str,
    topic: str,
    opens_on: date,
    closes_on: date,
    sections: Sequence[tuple[str, str]],
    staff: User | None = None,
) -> Consultation:
    """A consultation on a draft split into ordered sections (title, text), open between two dates."""
    if closes_on < opens_on:
        raise ValidationError({"closes_on": _("A consultation cannot close before it opens.")})
    if not sections:
        raise ValidationError(_("Split the draft into at least one section."))
    consultation = Consultation(
        municipality=municipality,
        title=title.strip(),
        summary=summary.strip(),
        kind=kind,
        topic=topic,
        opens_on=opens_on,
        closes_on=closes_on,
    )
    consultation.full_clean()
    consultation.save()
    for position, (section_title, body) in enumerate(sections, start=1):
        section = Section(consultation=consultation, position=position, title=section_title.strip(), body=body)
        section.full_clean()
        section.save()
    return consultation


@transaction.atomic
def add_question(*, consultation: Consultation, text: str, kind: str, choices: Sequence[str]) -> Question:
    """A survey question with two or more answers, added before anyone has answered."""
    if consultation.survey_answers.exists():
        raise ValidationError(_("The survey cannot change once residents have answered it."))
    labels = [label.strip() for label in choices if label.strip()]
    if len(labels) < 2:
        raise ValidationError(_("A question needs at least two answers."))
    position = consultation.questions.count() + 1
    question = Question(consultation=consultation, position=position, text=text.strip(), kind=kind)
    question.full_clean()
    question.save()
    for i, label in enumerate(labels, start=1):
        question.choices.create(position=i, label=label)
    return question


# --- residents: comments, replies, stances, survey -----------------------------------------------------------


def _require_open(consultation: Consultation) -> None:
    if not consultation.is_open:
        raise ValidationError(_("This consultation is not open for comments."), code="closed")


def _check_participant(participant: Participant | None, ip: str) -> Participant:
    if participant is None or participant.verified_at is None:
        raise PermissionDenied(_("Confirm your phone or e-mail first."))
    abuse.check_ban(ip=ip, contact=participant.contact or "")
    return participant


def _take_part(consultation: Consultation, participant: Participant) -> Participation:
    """Her participation, with her group as she declares it now (she may have declared it after a first comment)."""
    group = {"gender": participant.gender, "age_band": participant.age_band, "district_id": participant.district_id}
    participation, created = Participation.objects.get_or_create(
        consultation=consultation, participant=participant, defaults=group
    )
    if not created and any(getattr(participation, key) != value for key, value in group.items()):
        for key, value in group.items():
            setattr(participation, key, value)
        participation.save(update_fields=["gender", "age_band", "district"])
    return participation


def place_comment(consultation: Consultation, location: Point) -> District | None:
    """The district a comment dropped on the map lies in (PostGIS); refused outside the municipality."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT ST_Intersects(m.boundary, g.geom),
                   (SELECT d.id FROM layers_district d
                     WHERE d.municipality_id = m.id AND ST_Intersects(d.boundary, g.geom)
                     ORDER BY d.id LIMIT 1)
              FROM layers_municipality m, (SELECT ST_SetSRID(ST_MakePoint(%s, %s), 4326) AS geom) g
             WHERE m.id = %s
            """,
            [location.x, location.y, consultation.municipality_id],
        )
        inside, district_id = cursor.fetchone()
    if not inside:
        raise ValidationError(
            {"location": _("This place is outside the municipality. Put it on the map of the municipality.")}
        )
    return District.objects.filter(pk=district_id).first() if district_id else None


@transaction.atomic
def comment(
    *,
    consultation: Consultation,
    participant: Participant | None,
    body: str,
    section: Section | None = None,
    parent: Comment | None = None,
    location: Point | None = None,
    ip: str = "",
    staff: User | None = None,
) -> Comment:
    """A resident's comment on a section or a place, or her reply to another comment (one level of replies);
    with `staff`, a comment received on paper from a paper participant, entered by the municipality."""
    if staff is None:
        participant = _check_participant(participant, ip)
    elif participant is None:
        raise PermissionDenied(_("Say who wrote the paper comment (at least as a paper participant)."))
    Consultation.objects.select_for_update().filter(pk=consultation.pk).first()
    _require_open(consultation)
    text = body.strip()
    if not text:
        raise ValidationError({"body": _("Write your comment.")})
    if len(text) > MAX_COMMENT:
        raise ValidationError({"body": _("A comment has at most 3000 characters.")})
    if parent is not None:
        if parent.consultation_id != consultation.pk:
            raise ValidationError(_("This reply is not about this consultation."))
        if parent.parent_id is not None:
            parent = parent.parent  # a reply to a reply answers the same comment
        if parent.hidden_at is not None:  # type: ignore[union-attr]
            raise ValidationError(_("A hidden comment cannot be answered."))
        section, location = parent.section, None  # type: ignore[union-attr]
    if section is not None and section.consultation_id != consultation.pk:
        raise ValidationError(_("This section is not part of this consultation."))
    if parent is None and section is None and location is None:
        raise ValidationError(_("Choose the section you comment on, or put your comment on the map."))
    district = place_comment(consultation, location) if location is not None else None
    if staff is None:
        abuse.hit_participation_limit(action="consultation-comment", ip=ip, contact=participant.contact or "")
    _take_part(consultation, participant)
    return Comment.objects.create(
        source=Participant.Source.ONLINE if staff is None else Participant.Source.PAPER,
        entered_by=staff,
        consultation=consultation,
        section=section,
        parent=parent,
        author=participant,
        body=text,
        location=location,
        district=district,
    )


@transaction.atomic
def set_stance(*, section: Section, participant: Participant | None, value: str, ip: str = "") -> Stance:
    """Support or oppose a section: one stance each, which she may change while the consultation is open."""
    participant = _check_participant(participant, ip)
    consultation = section.consultation
    _require_open(consultation)
    if value not in Stance.Value.values:
        raise ValidationError(_("Say whether you support or oppose this section."))
    _take_part(consultation, participant)
    stance, _created = Stance.objects.update_or_create(
        section=section, participant=participant, defaults={"value": value}
    )
    return stance


@transaction.atomic
def answer_survey(
    *, consultation: Consultation, participant: Participant | None, choice_ids: Sequence[int], ip: str = ""
) -> SurveyAnswer:
    """Her answers to the survey, replacing her earlier ones; every question answered, one choice where asked."""
    participant = _check_participant(participant, ip)
    _require_open(consultation)
    questions = list(consultation.questions.prefetch_related("choices"))
    if not questions:
        raise ValidationError(_("This consultation has no survey."))
    chosen = set(choice_ids)
    for question in questions:
        own = {c.pk for c in question.choices.all()} & chosen
        if not own:
            raise ValidationError(_("Answer every question: “%(question)s”.") % {"question": question.text})
        if question.kind == Question.Kind.SINGLE and len(own) > 1:
            raise ValidationError(_("Choose only one answer to “%(question)s”.") % {"question": question.text})
    every_choice = {c.pk for q in questions for c in q.choices.all()}
    if chosen - every_choice:
        raise ValidationError(_("One of these answers is not part of this survey."))
    participation = _take_part(consultation, participant)
    participation.surveyed_at = timezone.now()
    participation.save(update_fields=["surveyed_at"])
    answer, _created = SurveyAnswer.objects.update_or_create(
        key=selectors.answer_key(consultation, participant),
        defaults={
            "consultation": consultation,
            "gender": participation.gender,
            "age_band": participation.age_band,
            "district_id": participation.district_id,
            "choices": sorted(chosen),
        },
    )
    return answer


# --- staff: moderation, close, responses, report ---------------------------------------------------------------


@transaction.atomic
def hide_comment(*, comment: Comment, staff: User, reason: str) -> Comment:
    """Hide a comment with a public reason; the comment and the reason stay in its history."""
    text = reason.strip()
    if not text:
        raise ValidationError({"reason": _("Say why the comment is hidden: the reason is shown in its place.")})
    if len(text) > MAX_REASON:
        raise ValidationError({"reason": _("A reason has at most 300 characters.")})
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    comment.hidden_at, comment.hidden_reason, comment.hidden_by = timezone.now(), text, staff
    comment._change_reason = _("hidden by the moderator: %(reason)s") % {"reason": text}  # type: ignore[attr-defined]
    comment.save(update_fields=["hidden_at", "hidden_reason", "hidden_by"])
    return comment


@transaction.atomic
def restore_comment(*, comment: Comment, staff: User) -> Comment:
    """Show a hidden comment again (the hiding stays in its history)."""
    comment = Comment.objects.select_for_update().get(pk=comment.pk)
    comment.hidden_at, comment.hidden_reason, comment.hidden_by = None, "", staff
    comment.save(update_fields=["hidden_at", "hidden_reason", "hidden_by"])
    update_change_reason(comment, _("shown again by the moderator"))
    return comment


@transaction.atomic
def close(*, consultation: Consultation, staff: User | None = None) -> Consultation:
    """Close a consultation now (also when its closing date has passed): no more comments, stances or answers."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.closed_at is None:
        consultation.closed_at = timezone.now()
        consultation._change_reason = _("closed")  # type: ignore[attr-defined]
        consultation.save(update_fields=["closed_at"])
    return consultation


@transaction.atomic
def respond(*, section: Section, text: str, staff: User | None = None) -> Section:
    """Write what the municipality changed in a section in response to the comments."""
    section = Section.objects.select_for_update().select_related("consultation").get(pk=section.pk)
    if section.consultation.report_published_at:
        raise ValidationError(_("The report is published: its responses can no longer change."))
    section.response = text.strip()
    section._change_reason = _("response to the comments")  # type: ignore[attr-defined]
    section.save(update_fields=["response"])
    return section


@transaction.atomic
def publish_report(
    *, consultation: Consultation, summary: str = "", staff: User | None = None, notify: bool = True
) -> Consultation:
    """Publish the report of a closed consultation; every section must say what changed (or that nothing did).
    Those who took part hear of it (`notify`), once it is stored."""
    consultation = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if consultation.report_published_at:
        raise ValidationError(_("The report is already published."))
    if consultation.closed_at is None:
        if consultation.closes_on >= timezone.localdate():
            raise ValidationError(_("Close the consultation before publishing its report."))
        consultation.closed_at = timezone.now()
    missing = [s.title for s in consultation.sections.all() if not s.response.strip()]
    if missing:
        raise ValidationError(
            _("Say what changed in response, section by section (even “no change, because …”): %(sections)s.")
            % {"sections": ", ".join(missing)}
        )
    if summary.strip():
        consultation.report_summary = summary.strip()
    consultation.report_published_at = timezone.now()
    consultation._change_reason = _("report published")  # type: ignore[attr-defined]
    consultation.save(update_fields=["closed_at", "report_summary", "report_published_at"])
    if notify:
        notifications.report_published(consultation)
    return consultation
