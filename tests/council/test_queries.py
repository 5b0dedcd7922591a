"""The meeting page, the calendar and the open data make the same number of queries for 1 or 30 questions."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from gisportal.council import services
from gisportal.council.models import Meeting
from tests.council.conftest import verified

PATHS = ("/council/6211/", "/council/6211/{pk}/", "/council/6211/meetings.ics", "/council/meetings.json")


def _ask(meeting: Meeting, start: int, count: int) -> None:
    for i in range(start, start + count):
        question = services.ask_question(
            meeting=meeting, author=verified(f"q{i}@example.tn"), text=f"Question n° {i} ?!"
        )
        services.publish_question(question=question)
        services.answer_question(question=question, answer="Réponse.")


def _queries(client, meeting: Meeting) -> dict[str, int]:
    counts = {}
    for path in PATHS:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(path.format(pk=meeting.pk)).status_code == 200
        counts[path] = len(queries)
    return counts


def test_queries_do_not_grow_with_questions(client, meeting: Meeting) -> None:
    _ask(meeting, 0, 1)
    few = _queries(client, meeting)
    _ask(meeting, 1, 29)
    assert _queries(client, meeting) == few
    assert few["/council/6211/{pk}/"] <= 10
