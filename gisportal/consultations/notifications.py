"""Those who took part in a consultation hear when its report is published, by e-mail or SMS, once it is stored."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from gisportal.consultations.models import Consultation, Participation
from gisportal.participants.senders import sender_for


def report_published(consultation: Consultation) -> int:
    """Queue one message per participant with a contact; returns how many will be sent."""
    found = Participation.objects.filter(consultation=consultation).values_list("participant__contact", flat=True)
    contacts = sorted({contact for contact in found if contact})  # paper participants have no contact
    if not contacts:
        return 0
    url = settings.SITE_URL + reverse(
        "consultations:report", kwargs={"code": consultation.municipality.code, "pk": consultation.pk}
    )
    subject = _("Consultation %(title)s: the report is published") % {"title": consultation.title}
    message = subject + "\n" + _("Read what the municipality changed in response to the comments:") + "\n" + url

    def send() -> None:
        for contact in contacts:  # one message each: participants never see each other's contacts
            sender_for(contact).send(to=contact, subject=subject, message=message)

    transaction.on_commit(send)
    return len(contacts)
