"""Writes: verify a contact with a one-time code, declare an ID and a group, enter a paper participant."""

import hashlib
import hmac
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gisportal.complaints import abuse
from gisportal.participants.models import ContactCode, Participant
from gisportal.participants.senders import sender_for
from layers.models import District

CODE_DIGITS = 6
CODE_LIFETIME = timedelta(minutes=15)
CODE_ATTEMPTS = 5
TUNISIAN_MOBILE = re.compile(r"^[2-9]\d{7}$")


class CodeRefused(Exception):
    """The code is wrong, used up or expired: the message says which, in the participant's language."""


def keyed_hash(kind: str, value: str) -> str:
    """HMAC-SHA256 under the participants' key, one namespace per kind (codes, ID numbers, ballots)."""
    key = (settings.PARTICIPANTS_HASH_KEY + ":" + kind).encode()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def normalise_contact(raw: str) -> str:
    """An e-mail address in lower case, or a phone number as +<country><number> (8 digits alone are Tunisian)."""
    text = raw.strip()
    if "@" in text:
        validate_email(text)
        return text.lower()
    digits = re.sub(r"[\s.()-]", "", text)
    if digits.startswith("00"):
        digits = "+" + digits[2:]
    if TUNISIAN_MOBILE.match(digits):
        return "+216" + digits
    if re.fullmatch(r"\+\d{8,15}", digits):
        return digits
    raise ValidationError(_("Give an e-mail address or a mobile phone number (8 digits in Tunisia)."), code="contact")


def normalise_national_id(raw: str) -> str:
    digits = re.sub(r"\s", "", raw)
    if not re.fullmatch(r"\d{8}", digits):
        raise ValidationError(_("A national identity card number has 8 digits."), code="national_id")
    return digits


def send_code(*, raw_contact: str, ip: str) -> str:
    """Send a one-time code to a contact; returns the normalised contact. Rate limits and the ban list apply."""
    contact = normalise_contact(raw_contact)
    abuse.check_ban(ip=ip, contact=contact)
    abuse.hit_participation_limit(action="code", ip=ip, contact=contact)
    code = "".join(secrets.choice("0123456789") for _ in range(CODE_DIGITS))
    with transaction.atomic():
        ContactCode.objects.filter(contact=contact, used_at__isnull=True).delete()
        ContactCode.objects.create(
            contact=contact,
            code_hash=keyed_hash("code", contact + ":" + code),
            expires_at=timezone.now() + CODE_LIFETIME,
        )
    message = _("Your gisportal code is %(code)s. It is valid for 15 minutes. Do not share it.") % {"code": code}
    sender_for(contact).send(to=contact, subject=_("Your gisportal code"), message=message)
    return contact


def verify_code(*, contact: str, code: str) -> Participant:
    """The participant whose contact this code proves, created on her first verification."""
    with transaction.atomic():  # a wrong attempt is counted even though the call fails
        pending = ContactCode.objects.select_for_update().filter(contact=contact, used_at__isnull=True).first()
        now = timezone.now()
        if pending is None or pending.expires_at < now or pending.attempts >= CODE_ATTEMPTS:
            refusal = _("This code has expired. Ask for a new one.")
        elif not hmac.compare_digest(keyed_hash("code", contact + ":" + code.strip()), pending.code_hash):
            ContactCode.objects.filter(pk=pending.pk).update(attempts=pending.attempts + 1)
            refusal = _("This code is not the one we sent. Check it and try again.")
        else:
            pending.used_at = now
            pending.save(update_fields=["used_at"])
            participant, _created = Participant.objects.get_or_create(contact=contact)
            if participant.verified_at is None:
                participant.verified_at = now
                participant.save(update_fields=["verified_at"])
            return participant
    raise CodeRefused(refusal)


def id_hash(national_id: str) -> str:
    return keyed_hash("national-id", normalise_national_id(national_id))


@transaction.atomic
def update_profile(
    *,
    participant: Participant,
    national_id: str = "",
    gender: str = "",
    age_band: str = "",
    district: District | None = None,
) -> Participant:
    """Her self-declared group and, once given, her ID's keyed hash (which then cannot be changed here)."""
    if national_id and participant.id_hash is None:
        hashed = id_hash(national_id)
        if Participant.objects.filter(id_hash=hashed).exclude(pk=participant.pk).exists():
            raise ValidationError(
                {"national_id": _("This ID number is already used by another participant.")}, code="taken"
            )
        participant.id_hash = hashed
    participant.gender, participant.age_band, participant.district = gender, age_band, district
    try:
        with transaction.atomic():
            participant.save(update_fields=["id_hash", "gender", "age_band", "district"])
    except IntegrityError:  # the same ID declared at the same moment from another phone
        raise ValidationError({"national_id": _("This ID number is already used by another participant.")}) from None
    return participant


@transaction.atomic
def paper_participant(
    *,
    staff: User,
    national_id: str = "",
    gender: str = "",
    age_band: str = "",
    district: District | None = None,
) -> Participant:
    """A resident who took part on paper: the person already known by her ID, or a new paper participant."""
    hashed = id_hash(national_id) if national_id else None
    if hashed and (known := Participant.objects.select_for_update().filter(id_hash=hashed).first()):
        return known
    return Participant.objects.create(
        source=Participant.Source.PAPER,
        entered_by=staff,
        id_hash=hashed,
        gender=gender,
        age_band=age_band,
        district=district,
    )
