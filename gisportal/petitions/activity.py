"""What a participant did in petitions, for her own page (nobody else sees it)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from gisportal.participants.activity import Activity
from gisportal.participants.models import Participant
from gisportal.petitions.models import CoPromoter, Petition, Signature


def _url(petition: Petition) -> str:
    return reverse("petitions:petition", kwargs={"code": petition.municipality.code, "pk": petition.pk})


def of(participant: Participant) -> list[Activity]:
    items = [
        Activity(
            petition.created_at,
            _("You started the petition %(title)s (%(state)s)")
            % {"title": petition.title, "state": petition.get_state_display()},
            _url(petition),
        )
        for petition in Petition.objects.filter(author=participant).select_related("municipality")
    ]
    items += [
        Activity(
            row.joined_at,
            _("You co-promote the petition %(title)s (%(state)s)")
            % {"title": row.petition.title, "state": row.petition.get_state_display()},
            _url(row.petition),
        )
        for row in CoPromoter.objects.filter(participant=participant).select_related("petition__municipality")
    ]
    items += [
        Activity(
            row.signed_at,
            _("You signed the petition %(title)s (%(state)s)")
            % {"title": row.petition.title, "state": row.petition.get_state_display()},
            _url(row.petition),
        )
        for row in Signature.objects.filter(participant=participant).select_related("petition__municipality")
    ]
    return items
