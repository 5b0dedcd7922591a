"""Writes of the complaints workflow. Each is one transaction; every status change leaves an update."""

import datetime
import re
from typing import Any

from django.contrib.auth.models import User
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gisportal.accounts import roles
from gisportal.complaints import abuse, intake, notifications, photos, selectors, workflow
from gisportal.complaints.models import (
    ComplaintPhoto,
    ComplaintUpdate,
    Follower,
    SatisfactionAnswer,
    ServiceQuestion,
)
from layers import rules
from layers import selectors as layer_selectors
from layers.models import Complaint

Status = Complaint.Status

MAX_DESCRIPTION = 2000
MAX_NAME = 100
MAX_CONTACT = 100
MAX_ANSWER = 500
MIN_DESCRIPTION = 5
CONTACT_PATTERN = re.compile(r"^(?:[^@\s]+@[^@\s]+\.[^@\s]+|\+?[0-9 ()\-.]{6,20})$")


def _invalid(field: str, message: str, code: str) -> ValidationError:
    return ValidationError({field: ValidationError(message, code=code)})


def _clean_text(field: str, value: str, *, maximum: int, minimum: int = 0) -> str:
    value = (value or "").strip()
    if "\x00" in value:
        raise _invalid(field, _("This text contains a forbidden character."), "forbidden_character")
    if len(value) > maximum:
        raise _invalid(field, _("At most %(n)d characters.") % {"n": maximum}, "too_long")
    if len(value) < minimum:
        raise _invalid(field, _("At least %(n)d characters.") % {"n": minimum}, "too_short")
    return value


def clean_answers(category_questions: list[ServiceQuestion], answers: dict[str, Any]) -> dict[str, Any]:
    """The answers to a category's questions, checked against their types; unknown questions refused."""
    by_code = {question.code: question for question in category_questions}
    unknown = set(answers) - set(by_code)
    if unknown:
        raise _invalid("answers", _("Unknown question: %(code)s") % {"code": sorted(unknown)[0]}, "unknown_question")
    cleaned: dict[str, Any] = {}
    for code, question in by_code.items():
        value = answers.get(code)
        if value in (None, "", []):
            if question.required:
                raise _invalid("answers", _("Please answer: %(q)s") % {"q": question.label}, "required")
            continue
        cleaned[code] = _clean_answer(question, value)
    return cleaned


def _clean_answer(question: ServiceQuestion, value: Any) -> Any:
    Datatype = ServiceQuestion.Datatype
    bad = _invalid("answers", _("Invalid answer to: %(q)s") % {"q": question.label}, "invalid_answer")
    if question.datatype == Datatype.MULTI:
        values = value if isinstance(value, list) else [value]
        if not values or any(str(v) not in question.keys for v in values):
            raise bad
        return [str(v) for v in values]
    if isinstance(value, list):
        if len(value) != 1:
            raise bad
        value = value[0]
    text = str(value)
    if question.datatype == Datatype.SINGLE:
        if text not in question.keys:
            raise bad
        return text
    if question.datatype == Datatype.NUMBER:
        try:
            number = float(text)
        except ValueError:
            raise bad from None
        if number != number or abs(number) > 1e12:  # NaN or absurd
            raise bad
        return number
    if question.datatype == Datatype.DATETIME:
        try:
            datetime.datetime.fromisoformat(text)
        except ValueError:
            raise bad from None
        return text
    return _clean_text("answers", text, maximum=MAX_ANSWER)


def _clean_location(lon: float, lat: float) -> Point:
    if not (-180 <= lon <= 180 and -90 <= lat <= 90) or lon != lon or lat != lat:
        raise _invalid("location", _("These coordinates are not on Earth."), "invalid_coordinates")
    return Point(lon, lat, srid=4326)


def submit_report(
    *,
    lon: float,
    lat: float,
    category: str,
    description: str,
    answers: dict[str, Any] | None = None,
    reporter_name: str = "",
    reporter_contact: str = "",
    photo_uploads: list[UploadedFile] | None = None,
    client_ip: str = "",
    source: str = "web",
    placement: intake.Placement | None = None,
) -> Complaint:
    """A citizen's report, checked field by field, placed and stored in two statements (see `intake`).

    `placement` is `intake.place` of the same point, category, address and contact, when the caller has it already.
    """
    if category not in Complaint.Category.values:
        raise _invalid("category", _("Choose a category from the list."), "invalid_category")
    description = _clean_text("description", description, maximum=MAX_DESCRIPTION, minimum=MIN_DESCRIPTION)
    reporter_name = _clean_text("reporter_name", reporter_name, maximum=MAX_NAME)
    reporter_contact = _clean_text("reporter_contact", reporter_contact, maximum=MAX_CONTACT)
    if reporter_contact and not CONTACT_PATTERN.match(reporter_contact):
        raise _invalid("reporter_contact", _("Give an e-mail address or a phone number."), "invalid_contact")
    location = _clean_location(lon, lat)
    if (problem := rules.geometry_problem(location)) is not None:
        raise ValidationError({"location": problem})  # before any query: PostGIS refuses to route it
    cleaned_photos = photos.clean_photos(photo_uploads or [])
    if placement is None:
        placement = intake.place(lon=lon, lat=lat, category=category, ip=client_ip, contact=reporter_contact)
    if placement.banned:
        raise abuse.Banned()
    if placement.municipality_id is None:
        outside = _("This place is outside every municipality. Move the pin onto the municipality.")
        raise ValidationError({"location": ValidationError(outside, code="outside_municipalities")})
    # The routed municipality's catalogue: the category must be offered, its questions answered.
    service = placement.category
    if service is None and placement.has_catalogue:
        raise _invalid("category", _("This municipality does not handle this category."), "category_not_offered")
    complaint = Complaint(
        location=location,
        category=category,
        description=description,
        reporter_name=reporter_name,
        reporter_contact=reporter_contact,
        answers=clean_answers(list(service.questions.all()) if service else [], answers or {}),
        source=source,
        municipality_id=placement.municipality_id,
        district_id=placement.district_id,
        service_point_id=placement.service_point_id,
    )
    if service is not None:
        complaint.due_at = timezone.now() + datetime.timedelta(days=service.target_days)
    # Routing just read the foreign keys from the database, and the random tracking code (31^10 values) has a
    # unique index behind it: no checking query.
    complaint.full_clean(exclude=["municipality", "district", "service_point"], validate_unique=False)
    # Counted only once the report is valid, so a citizen's typo does not use up her quota.
    abuse.hit_rate_limit(ip=client_ip, contact=reporter_contact)
    # The files last, just before the one statement that stores the report: nothing can refuse it after them.
    written = photos.write(ComplaintPhoto, cleaned_photos)  # StorageUnavailable: nothing is stored
    try:
        intake.store(complaint, written)
    except BaseException:
        photos.discard([name for name, _, _ in written])
        raise
    return complaint


def _require_staff(complaint: Complaint, user: User) -> None:
    if not layer_selectors.in_scope(complaint, user, for_edit=True):
        raise PermissionError(_("This report is not in a municipality you manage."))


@transaction.atomic
def change_status(
    complaint: Complaint,
    *,
    to: str,
    by: User,
    note: str = "",
    public: bool = True,
    duplicate_of: Complaint | None = None,
) -> ComplaintUpdate:
    """Move a report along the workflow, with its note (public, or internal to staff)."""
    _require_staff(complaint, by)
    note = _clean_text("note", note, maximum=MAX_DESCRIPTION)
    if not workflow.staff_may_move(complaint.status, to):
        raise _invalid("status", _("A report cannot go from this status to that one."), "invalid_transition")
    fields = ["status", "updated_at"]
    if to == Status.DUPLICATE:
        if duplicate_of is None or duplicate_of.pk == complaint.pk:
            raise _invalid("duplicate_of", _("Give the report this one duplicates."), "duplicate_missing")
        if duplicate_of.municipality_id != complaint.municipality_id:
            raise _invalid("duplicate_of", _("The original must be in the same municipality."), "duplicate_elsewhere")
        complaint.duplicate_of = duplicate_of
        fields.append("duplicate_of")
    if to in (Status.REJECTED, Status.CLOSED_WITHOUT_FIX) and not note:
        raise _invalid("note", _("Say why: the reporter reads this note."), "note_required")
    if to == Status.REOPENED:
        complaint.due_at = _new_due_date(complaint)
        fields.append("due_at")
    update = ComplaintUpdate(
        complaint=complaint, status_from=complaint.status, status=to, note=note, is_public=public, author=by
    )
    complaint.status = to
    complaint.save(update_fields=fields)
    update.save()
    notifications.notify_public_update(update)
    return update


def _new_due_date(complaint: Complaint) -> datetime.datetime | None:
    days = selectors.target_days(complaint)
    return timezone.now() + datetime.timedelta(days=days) if days else None


@transaction.atomic
def add_note(complaint: Complaint, *, by: User, note: str, public: bool) -> ComplaintUpdate:
    _require_staff(complaint, by)
    note = _clean_text("note", note, maximum=MAX_DESCRIPTION, minimum=1)
    complaint.save(update_fields=["updated_at"])
    update = ComplaintUpdate.objects.create(
        complaint=complaint,
        status_from=complaint.status,
        status=complaint.status,
        note=note,
        is_public=public,
        author=by,
    )
    notifications.notify_public_update(update)
    return update


@transaction.atomic
def assign(complaint: Complaint, *, to: User | None, by: User) -> None:
    """Give a report to a staff member who may work on it (or to nobody)."""
    _require_staff(complaint, by)
    if to is not None and not layer_selectors.in_scope(complaint, to, for_edit=True):
        raise _invalid("assignee", _("This person does not manage the report's municipality."), "assignee_out_of_scope")
    complaint.assignee = to
    complaint.save(update_fields=["assignee", "updated_at"])
    name = to.get_username() if to else "-"
    _internal(complaint, by, _("Assigned to %(name)s") % {"name": name})


@transaction.atomic
def set_priority(complaint: Complaint, *, priority: int, by: User) -> None:
    _require_staff(complaint, by)
    if priority not in Complaint.Priority.values:
        raise _invalid("priority", _("Unknown priority."), "invalid_priority")
    complaint.priority = priority
    complaint.save(update_fields=["priority", "updated_at"])
    _internal(complaint, by, _("Priority: %(p)s") % {"p": Complaint.Priority(priority).label})


@transaction.atomic
def moderate(complaint: Complaint, *, by: User, hidden: bool | None = None, description: str | None = None) -> None:
    """Hide a report from the public, or redact its text; the layer history keeps the original for audit."""
    _require_staff(complaint, by)
    fields = ["updated_at"]
    if hidden is not None:
        complaint.is_hidden = hidden
        fields.append("is_hidden")
    if description is not None:
        complaint.description = _clean_text("description", description, maximum=MAX_DESCRIPTION, minimum=1)
        fields.append("description")
    complaint.save(update_fields=fields)
    _internal(complaint, by, _("Moderated"))


@transaction.atomic
def triage(
    complaint: Complaint,
    *,
    by: User,
    status: str = "",
    note: str = "",
    public: bool = True,
    duplicate_of: Complaint | None = None,
    assignee: User | None,
    priority: int,
    hidden: bool,
    description: str,
) -> None:
    """The staff page's one form: each part that changed is applied (all or nothing), the rest left as it is.

    A new status takes the note with it; without one, a note is added on its own.
    """
    _require_staff(complaint, by)
    if assignee != complaint.assignee:
        assign(complaint, to=assignee, by=by)
    if priority != complaint.priority:
        set_priority(complaint, priority=priority, by=by)
    if hidden != complaint.is_hidden or description.strip() != complaint.description:
        moderate(
            complaint,
            by=by,
            hidden=hidden if hidden != complaint.is_hidden else None,
            description=description if description.strip() != complaint.description else None,
        )
    if status:
        change_status(complaint, to=status, by=by, note=note, public=public, duplicate_of=duplicate_of)
    elif note.strip():
        add_note(complaint, by=by, note=note, public=public)


def _internal(complaint: Complaint, by: User, note: str) -> None:
    ComplaintUpdate.objects.create(
        complaint=complaint,
        status_from=complaint.status,
        status=complaint.status,
        note=note,
        is_public=False,
        author=by,
    )


@transaction.atomic
def reopen_by_reporter(complaint: Complaint, *, note: str, client_ip: str = "") -> ComplaintUpdate:
    """The reporter says the problem is still there."""
    note = _clean_text("note", note, maximum=MAX_DESCRIPTION, minimum=MIN_DESCRIPTION)
    abuse.check_ban(ip=client_ip, contact="")
    if complaint.status not in workflow.REPORTER_REOPENS_FROM:
        raise _invalid("status", _("Only a resolved or closed report can be reopened."), "not_reopenable")
    update = ComplaintUpdate(
        complaint=complaint, status_from=complaint.status, status=Status.REOPENED, note=note, by_reporter=True
    )
    complaint.status = Status.REOPENED
    complaint.due_at = _new_due_date(complaint)
    complaint.save(update_fields=["status", "due_at", "updated_at"])
    update.save()
    abuse.hit_rate_limit(ip=client_ip, contact="")
    return update


@transaction.atomic
def answer_satisfaction(complaint: Complaint, *, satisfied: bool, comment: str = "") -> SatisfactionAnswer:
    if complaint.status not in workflow.REPORTER_REOPENS_FROM:
        raise _invalid("satisfied", _("You can answer once the report is resolved."), "not_resolved")
    comment = _clean_text("comment", comment, maximum=500)
    if not selectors.awaits_satisfaction(complaint):  # one answer per closing
        raise _invalid("satisfied", _("You have already answered."), "already_answered")
    return SatisfactionAnswer.objects.create(complaint=complaint, satisfied=satisfied, comment=comment)


@transaction.atomic
def follow(complaint: Complaint, *, contact: str = "", client_ip: str = "") -> Follower:
    """A "me too" on an open report."""
    contact = _clean_text("contact", contact, maximum=MAX_CONTACT)
    if contact and not CONTACT_PATTERN.match(contact):
        raise _invalid("contact", _("Give an e-mail address or a phone number."), "invalid_contact")
    if not complaint.is_open:
        raise _invalid("complaint", _("This report is closed."), "closed")
    abuse.check_ban(ip=client_ip, contact=contact)
    abuse.hit_rate_limit(ip=client_ip, contact=contact)
    return Follower.objects.create(complaint=complaint, contact=contact)


def staff_user(user: roles.User) -> User:
    """Narrow a request's user to a staff account, for the type checker (views are staff-only)."""
    assert isinstance(user, User)
    return user
