"""Who hears of a petition's news, by e-mail or SMS, once it is stored (one message each, never a list of others).

Its author and co-promoters when the municipality opens or refuses it; they and every signer when it answers.
"""

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _

from gisportal.participants.senders import sender_for
from gisportal.petitions.models import CoPromoter, Petition, Signature, State


def _contacts(petition: Petition, *, signers: bool) -> list[str]:
    found = [petition.author.contact]
    found += CoPromoter.objects.filter(petition=petition).values_list("participant__contact", flat=True)
    if signers:
        found += Signature.objects.filter(petition=petition).values_list("participant__contact", flat=True)
    return sorted({contact for contact in found if contact})  # paper signers have no contact


SUBJECTS = {
    State.OPEN: lambda title: _("Your petition %(title)s is open for signatures") % {"title": title},
    State.REFUSED: lambda title: _("The municipality refused the petition %(title)s") % {"title": title},
    State.ANSWERED: lambda title: _("The municipality answered the petition %(title)s") % {"title": title},
}


def state_changed(petition: Petition) -> None:
    """Tell those concerned of the new state, after the transaction that stored it commits."""
    if petition.state not in SUBJECTS:
        return
    contacts = _contacts(petition, signers=petition.state == State.ANSWERED)
    if not contacts:
        return
    url = settings.SITE_URL + reverse(
        "petitions:petition", kwargs={"code": petition.municipality.code, "pk": petition.pk}
    )
    subject = SUBJECTS[petition.state](petition.title)  # type: ignore[index]
    message = subject + "\n" + url

    def send() -> None:
        for contact in contacts:
            sender_for(contact).send(to=contact, subject=subject, message=message)

    transaction.on_commit(send)
