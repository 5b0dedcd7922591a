"""Reads: the participant of this browser, and the groups she may declare."""

from django.http import HttpRequest

from gisportal.participants.models import Participant
from layers.models import District

SESSION_KEY = "participant_id"


def current_participant(request: HttpRequest) -> Participant | None:
    """The participant whose contact this browser verified, if any."""
    participant_id = request.session.get(SESSION_KEY)
    if participant_id is None:
        return None
    return Participant.objects.select_related("district__municipality").filter(pk=participant_id).first()


def districts_to_choose() -> list[District]:
    """Every district a participant may say she lives in, grouped by municipality for the form."""
    return list(District.objects.select_related("municipality").order_by("municipality__name_fr", "name"))
