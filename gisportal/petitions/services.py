"""Writes of a petition: draft, co-promote, review, sign (online and on paper), answer, close.

Each is one transaction. A change of state is saved with its public `PetitionEvent` in the same transaction,
and the petition's restorable history (simple_history) keeps the staff's audit trail.
"""

from datetime import date, timedelta

from django.contrib.auth.models import User
from django.contrib.gis.geos import GEOSGeometry
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from gisportal.complaints import abuse
from gisportal.participants import services as participant_services
from gisportal.participants.models import Participant
from gisportal.petitions import notifications, rules
from gisportal.petitions.models import SIGNING_STATES, CoPromoter, Petition, PetitionEvent, Signature, State, Threshold
from layers import selectors as layer_selectors
from layers.models import District, Municipality


def place_petition(municipality: Municipality, location: GEOSGeometry) -> District | None:
    """The district a place or area lies in (PostGIS, on a point on its surface); refused outside the municipality."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT ST_Intersects(m.boundary, g.geom),
                   (SELECT d.id FROM layers_district d
                     WHERE d.municipality_id = m.id AND ST_Intersects(d.boundary, ST_PointOnSurface(g.geom))
                     ORDER BY d.id LIMIT 1)
              FROM layers_municipality m, (SELECT ST_GeomFromEWKB(%s) AS geom) g
             WHERE m.id = %s
            """,
            [bytes(location.ewkb), municipality.pk],
        )
        inside, district_id = cursor.fetchone()
    if not inside:
        raise ValidationError(
            {"location": _("This place is outside the municipality. Move it onto the map of the municipality.")}
        )
    return District.objects.filter(pk=district_id).first() if district_id else None


def _require_identified(participant: Participant, *, ip: str, action: str) -> None:
    """A verified contact and a declared ID (its keyed hash): one person, one name on a petition."""
    if participant.source == Participant.Source.ONLINE and participant.verified_at is None:
        raise PermissionDenied(_("Confirm your phone or e-mail first."))
    if participant.id_hash is None:
        raise ValidationError(
            {"national_id": _("Give your national identity card number: a petition counts each person once.")},
            code="national_id",
        )
    if participant.source == Participant.Source.ONLINE:
        abuse.check_ban(ip=ip, contact=participant.contact or "")
        abuse.hit_participation_limit(action=action, ip=ip, contact=participant.contact or "")


def _require_staff(petition: Petition, staff: User) -> None:
    if not layer_selectors.in_scope(petition, staff, for_edit=True):
        raise PermissionDenied(_("This petition is not one of your municipality's."))


def _require_state(petition: Petition, *states: str) -> None:
    if petition.state not in states:
        raise ValidationError(
            _("This cannot be done while the petition is: %(state)s.") % {"state": petition.get_state_display()},
            code="state",
        )


def _move(petition: Petition, state: str, *, note: str = "", fields: tuple[str, ...] = ()) -> Petition:
    petition.state = state
    petition._change_reason = State(state).label  # type: ignore[attr-defined]
    petition.save(update_fields=["state", *fields])
    PetitionEvent.objects.create(petition=petition, state=state, note=note)
    return petition


def _locked(petition: Petition) -> Petition:
    """The petition row locked for this transaction, so that two writers see each other's change of state."""
    locked = Petition.objects.select_for_update().get(pk=petition.pk)
    petition.__dict__.update({k: v for k, v in locked.__dict__.items() if not k.startswith("_")})
    return petition


# --- citizens ------------------------------------------------------------------------------------------------


@transaction.atomic
def draft_petition(
    *,
    municipality: Municipality,
    author: Participant,
    title: str,
    text: str,
    location: GEOSGeometry | None = None,
    district: District | None = None,
    ip: str = "",
) -> Petition:
    """A citizen's draft; its place, when given, decides the district it concerns."""
    _require_identified(author, ip=ip, action="petition")
    if location is not None:
        district = place_petition(municipality, location)
    elif district is not None and district.municipality_id != municipality.pk:
        raise ValidationError({"district": _("Choose a district of this municipality.")})
    petition = Petition(
        municipality=municipality,
        district=district,
        title=title.strip(),
        text=text.strip(),
        location=location,
        author=author,
    )
    petition.full_clean(exclude=["author"])
    petition.save()
    PetitionEvent.objects.create(petition=petition, state=State.DRAFT)
    return petition


@transaction.atomic
def seek_co_promoters(*, petition: Petition, author: Participant) -> Petition:
    """The author publishes her draft's link so that others may join it as co-promoters."""
    _locked(petition)
    if petition.author_id != author.pk:
        raise PermissionDenied(_("Only the petition's author can do this."))
    _require_state(petition, State.DRAFT)
    return _move(petition, State.CO_PROMOTERS)


@transaction.atomic
def co_promote(*, petition: Petition, participant: Participant, ip: str = "") -> CoPromoter:
    _locked(petition)
    _require_state(petition, State.CO_PROMOTERS)
    if petition.author_id == participant.pk:
        raise ValidationError(_("You are this petition's author: ask others to co-promote it."), code="author")
    _require_identified(participant, ip=ip, action="co-promote")
    try:
        with transaction.atomic():
            return CoPromoter.objects.create(petition=petition, participant=participant)
    except IntegrityError:
        raise ValidationError(_("You are already a co-promoter of this petition."), code="already") from None


@transaction.atomic
def submit_for_review(*, petition: Petition, author: Participant) -> Petition:
    """With enough co-promoters, the author sends her petition to the municipality to be checked."""
    _locked(petition)
    if petition.author_id != author.pk:
        raise PermissionDenied(_("Only the petition's author can do this."))
    _require_state(petition, State.DRAFT, State.CO_PROMOTERS)
    needed, have = rules.min_co_promoters(), petition.co_promoters.count()
    if have < needed:
        raise ValidationError(
            _("A petition needs %(needed)s co-promoters before it is checked; it has %(have)s.")
            % {"needed": needed, "have": have},
            code="co_promoters",
        )
    return _move(petition, State.IN_REVIEW)


def _signed(petition: Petition, participant: Participant, staff: User | None) -> Signature:
    source = Signature.Source.PAPER if staff else Signature.Source.ONLINE
    try:
        with transaction.atomic():
            return Signature.objects.create(petition=petition, participant=participant, source=source, entered_by=staff)
    except IntegrityError:  # the same person from two phones, or online and on paper
        raise ValidationError(_("This person has already signed this petition."), code="already_signed") from None


@transaction.atomic
def sign(
    *, petition: Petition, participant: Participant, ip: str = "", staff: User | None = None, today: date | None = None
) -> Signature:
    """One signature per person while signing is open; the one that reaches the threshold obliges an answer."""
    _locked(petition)
    today = today or timezone.localdate()
    _require_state(petition, *SIGNING_STATES)
    if petition.closes_on is not None and today > petition.closes_on:
        closed = _("Signing this petition closed on %(day)s.") % {"day": formats.date_format(petition.closes_on)}
        raise ValidationError(closed, code="closed")
    if staff is None:
        _require_identified(participant, ip=ip, action="sign")
    elif participant.id_hash is None:
        raise ValidationError({"national_id": _("A paper signature needs the signer's ID number.")})
    signature = _signed(petition, participant, staff)
    if petition.state == State.OPEN and petition.signatures.count() >= (petition.signatures_needed or 0):
        petition.threshold_reached_at = timezone.now()
        petition.answer_due_on = today + timedelta(days=rules.answer_days())
        _move(petition, State.THRESHOLD_REACHED, fields=("threshold_reached_at", "answer_due_on"))
    return signature


def declare_national_id(*, participant: Participant, national_id: str) -> None:
    """Her ID number given on a petition's form, when she has not given it before (kept as its keyed hash only)."""
    if participant.id_hash is None and national_id:
        participant_services.update_profile(
            participant=participant,
            national_id=national_id,
            gender=participant.gender,
            age_band=participant.age_band,
            district=participant.district,
        )


@transaction.atomic
def sign_with_id(*, petition: Petition, participant: Participant, national_id: str = "", ip: str = "") -> Signature:
    """Sign online, declaring her ID number on the way when she has not yet."""
    declare_national_id(participant=participant, national_id=national_id)
    return sign(petition=petition, participant=participant, ip=ip)


# --- staff ---------------------------------------------------------------------------------------------------------


def threshold_for(petition: Petition) -> Threshold | None:
    """The district's own threshold when the petition concerns a district that has one, else the municipality's."""
    thresholds = {t.district_id: t for t in Threshold.objects.filter(municipality_id=petition.municipality_id)}
    return thresholds.get(petition.district_id) or thresholds.get(None)


@transaction.atomic
def open_petition(*, petition: Petition, staff: User, closes_on: date | None = None) -> Petition:
    """The petition meets the rules: signatures open now, until `closes_on`, toward the territory's threshold."""
    _require_staff(petition, staff)
    _locked(petition)
    _require_state(petition, State.IN_REVIEW)
    today = timezone.localdate()
    closes_on = closes_on or today + timedelta(days=rules.signing_days())
    if closes_on <= today:
        raise ValidationError({"closes_on": _("Signing must end after today.")})
    threshold = threshold_for(petition)
    needed = threshold.signatures_needed() if threshold else None
    if needed is None:
        raise ValidationError(
            _("No threshold is set for this territory, or its census population is unknown: the administrator sets it.")
        )
    petition.opened_on, petition.closes_on, petition.signatures_needed = today, closes_on, needed
    _move(petition, State.OPEN, fields=("opened_on", "closes_on", "signatures_needed"))
    notifications.state_changed(petition)
    return petition


@transaction.atomic
def refuse_petition(*, petition: Petition, staff: User, reason: str) -> Petition:
    """The petition breaks the rules: refused, with the public reason."""
    _require_staff(petition, staff)
    _locked(petition)
    _require_state(petition, State.IN_REVIEW)
    if not reason.strip():
        raise ValidationError({"reason": _("Say which rule the petition breaks.")})
    petition.refusal_reason = reason.strip()
    _move(petition, State.REFUSED, note=petition.refusal_reason, fields=("refusal_reason",))
    notifications.state_changed(petition)
    return petition


@transaction.atomic
def sign_on_paper(
    *,
    petition: Petition,
    staff: User,
    national_id: str,
    gender: str = "",
    age_band: str = "",
    district: District | None = None,
) -> Signature:
    """A paper signature: the signer known by her ID (online or on paper before), or a new paper participant."""
    _require_staff(petition, staff)
    if not national_id:
        raise ValidationError({"national_id": _("A paper signature needs the signer's ID number.")})
    participant = participant_services.paper_participant(
        staff=staff, national_id=national_id, gender=gender, age_band=age_band, district=district
    )
    return sign(petition=petition, participant=participant, staff=staff)


@transaction.atomic
def publish_answer(*, petition: Petition, staff: User, answer: str) -> Petition:
    """The municipality's formal answer, published with its date; every signer with a contact is told."""
    _require_staff(petition, staff)
    _locked(petition)
    _require_state(petition, State.THRESHOLD_REACHED)
    if not answer.strip():
        raise ValidationError({"answer": _("Write the municipality's answer.")})
    petition.answer, petition.answered_at = answer.strip(), timezone.now()
    _move(petition, State.ANSWERED, note=petition.answer, fields=("answer", "answered_at"))
    notifications.state_changed(petition)
    return petition


@transaction.atomic
def close_expired(*, today: date | None = None) -> int:
    """Open petitions whose signing ended below the threshold close unmet; returns how many closed."""
    today = today or timezone.localdate()
    closed = 0
    for petition in Petition.objects.select_for_update().filter(state=State.OPEN, closes_on__lt=today):
        _move(petition, State.CLOSED_UNMET)
        closed += 1
    return closed
