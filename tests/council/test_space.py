"""The meetings on the municipality's page (order 60, what is open for questions), the national list, and the
participant's own page."""

from gisportal import spaces
from gisportal.council import services
from gisportal.participants import activity
from gisportal.participants.selectors import SESSION_KEY


def test_the_municipality_s_page_lists_meetings_open_for_questions(client, meeting, tozeur, beja) -> None:
    (space,) = [s for s in spaces.of(tozeur.municipality) if s.order == 60]
    assert space.url.endswith("/council/6211/")
    (opening,) = space.open_now
    assert opening.url.endswith(f"/council/6211/{meeting.pk}/") and meeting.title in opening.what
    assert [s for s in spaces.of(beja.municipality) if s.order == 60] == []  # no meetings, no space
    assert opening in [o for _m, o in spaces.open_everywhere()]
    assert f"/council/6211/{meeting.pk}/" in client.get("/m/6211/").content.decode()
    services.cancel_meeting(meeting=meeting, reason="Quorum non atteint")
    (space,) = [s for s in spaces.of(tozeur.municipality) if s.order == 60]
    assert space.open_now == ()


def test_her_own_page_lists_her_questions_and_supports(client, meeting, residents) -> None:
    question = services.ask_question(meeting=meeting, author=residents[0], text="Et la piscine municipale ?")
    services.publish_question(question=question)
    services.support_question(question=question, participant=residents[1])
    (asked,) = [a for a in activity.of(residents[0]) if "/council/" in a.url]
    assert asked.url.endswith(f"#q{question.pk}") and meeting.title in asked.what
    (supported,) = [a for a in activity.of(residents[1]) if "/council/" in a.url]
    assert "supported" in supported.what
    session = client.session
    session[SESSION_KEY] = residents[0].pk
    session.save()
    assert meeting.title in client.get("/en/participate/me/").content.decode()
