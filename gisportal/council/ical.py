"""The iCalendar feed (RFC 5545) of a municipality's council meetings, for any calendar application.

Each meeting keeps one UID for life, so an updated or cancelled meeting changes the event people already have;
times are written in Africa/Tunis with its VTIMEZONE.
"""

from datetime import date
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar, Event, Timezone

from gisportal.council.models import Meeting
from layers.models import Municipality

PRODID = "-//gisportal//council meetings//EN"


def uid_of(meeting: Meeting) -> str:
    return f"{meeting.uid}@gisportal.council"


def feed(municipality: Municipality, meetings: list[Meeting], *, base_url: str, name: str) -> bytes:
    """The calendar of these meetings; `base_url` (scheme and host) makes each event's link absolute."""
    zone = ZoneInfo(settings.TIME_ZONE)
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    if meetings:
        first = min(m.starts_at for m in meetings)
        last = max(m.ends_at for m in meetings)
        calendar.add_component(
            Timezone.from_tzinfo(
                zone, tzid=settings.TIME_ZONE, first_date=date(first.year, 1, 1), last_date=date(last.year + 1, 1, 1)
            )
        )
    stamp = timezone.now()
    for meeting in meetings:
        event = Event()
        event.add("uid", uid_of(meeting))
        event.add("dtstamp", stamp)
        event.add("last-modified", meeting.updated_at)
        event.add("created", meeting.created_at)
        event.add("dtstart", meeting.starts_at.astimezone(zone))
        event.add("dtend", meeting.ends_at.astimezone(zone))
        event.add("summary", meeting.title)
        event.add("location", meeting.place)
        event.add("categories", [meeting.get_kind_display()])
        url = base_url + meeting_url(municipality, meeting)
        event.add("url", url)
        description = [meeting.get_kind_display()]
        description += [f"{item.position}. {item.title}" for item in meeting.agenda.all()]
        if meeting.stream_url:
            description.append(meeting.stream_url)
        if meeting.status == Meeting.Status.CANCELLED:
            description.append(meeting.cancellation_reason)
        description.append(url)
        event.add("description", "\n".join(description))
        event.add("status", "CANCELLED" if meeting.status == Meeting.Status.CANCELLED else "CONFIRMED")
        event.add("sequence", meeting.sequence)
        calendar.add_component(event)
    return calendar.to_ical()


def meeting_url(municipality: Municipality, meeting: Meeting) -> str:
    return reverse("council:meeting", kwargs={"code": municipality.code, "pk": meeting.pk})
