"""What a participant did in consultations, for her own page (nobody else sees it)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from gisportal.consultations.models import Comment, Participation
from gisportal.participants.activity import Activity
from gisportal.participants.models import Participant


def _url(consultation, anchor: str = "") -> str:  # type: ignore[no-untyped-def]
    url = reverse("consultations:consultation", kwargs={"code": consultation.municipality.code, "pk": consultation.pk})
    return url + anchor


def of(participant: Participant) -> list[Activity]:
    items = [
        Activity(
            c.created_at,
            (_("You replied in the consultation %(title)s") if c.parent_id else _("You commented on %(title)s"))
            % {"title": c.consultation.title}
            + (" — " + _("hidden by the moderator: %(reason)s") % {"reason": c.hidden_reason} if c.hidden_at else ""),
            _url(c.consultation, f"#comment-{c.pk}"),
        )
        for c in Comment.objects.filter(author=participant).select_related("consultation__municipality")
    ]
    items += [
        Activity(
            p.surveyed_at or p.first_at,
            _("You answered the survey of %(title)s") % {"title": p.consultation.title},
            _url(p.consultation),
        )
        for p in Participation.objects.filter(participant=participant, surveyed_at__isnull=False).select_related(
            "consultation__municipality"
        )
    ]
    return items
