"""Signers hear of the municipality's answer, by e-mail or SMS, once it is stored (one message each)."""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from gisportal.participants.senders import sender_for
from gisportal.petitions.models import Petition, Signature


def answered(petition: Petition) -> None:
    signers = Signature.objects.filter(petition=petition).values_list("participant__contact", flat=True)
    contacts = [contact for contact in signers if contact]  # paper signers have no contact
    if not contacts:
        return
    url = settings.SITE_URL + reverse(
        "petitions:petition", kwargs={"code": petition.municipality.code, "pk": petition.pk}
    )
    subject = _("The municipality answered the petition %(title)s") % {"title": petition.title}
    message = subject + "\n" + url

    def send() -> None:
        for contact in contacts:  # signers never see each other's contacts
            sender_for(contact).send(to=contact, subject=subject, message=message)

    transaction.on_commit(send)
