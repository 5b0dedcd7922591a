"""Council meetings on the municipality's page and the national one: the upcoming meetings open for questions."""

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from gisportal.council import selectors
from gisportal.council.models import Meeting
from gisportal.spaces import Opening, Space
from layers.models import Municipality

ORDER = 60


def _opening(meeting: Meeting) -> Opening:
    url = reverse("council:meeting", kwargs={"code": meeting.municipality.code, "pk": meeting.pk})
    when = formats.date_format(timezone.localtime(meeting.starts_at), "DATE_FORMAT")
    what = _("%(meeting)s on %(when)s: ask a question") % {"meeting": meeting.title, "when": when}
    return Opening(what, url, formats.date_format(timezone.localtime(meeting.ends_at), "DATETIME_FORMAT"))


def space(municipality: Municipality) -> Space | None:
    if not Meeting.objects.filter(municipality=municipality).exists():
        return None
    openings = tuple(_opening(m) for m in selectors.open_for_questions(municipality=municipality)[:5])
    return Space(
        ORDER, _("Council meetings"), reverse("council:meetings", kwargs={"code": municipality.code}), openings
    )


def open_everywhere() -> list[tuple[Municipality, Opening]]:
    return [(m.municipality, _opening(m)) for m in selectors.open_for_questions()[:50]]
