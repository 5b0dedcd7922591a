"""Without JavaScript, on an Arabic phone, a verified participant supports a published question once."""

import pytest
from playwright.sync_api import Browser, expect
from pytest_django.live_server_helper import LiveServer

from gisportal.council import services
from gisportal.council.models import Meeting, QuestionSupport
from gisportal.participants.models import Participant
from tests.browser import phone_tab
from tests.budgeting.test_browser_pb import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_supporting_without_javascript(
    browser: Browser, live_server: LiveServer, meeting: Meeting, residents: list[Participant]
) -> None:
    question = services.ask_question(meeting=meeting, author=residents[0], text="هل ستُنار ساحة السوق ليلًا؟")
    services.publish_question(question=question)
    page, traffic = phone_tab(browser, live_server, javascript=False)
    try:
        page.goto(f"{live_server.url}/ar/council/6211/{meeting.pk}/")
        with page.expect_navigation():
            page.get_by_role("button", name="أساند هذا السؤال").click()
        sign_in(page, "salma@example.tn")
        assert f"/ar/council/6211/{meeting.pk}/" in page.url
        with page.expect_navigation():
            page.get_by_role("button", name="أساند هذا السؤال").click()
        expect(page.get_by_role("status")).to_contain_text("احتُسبت مساندتك")
        expect(page.locator(f"#q{question.pk}")).to_contain_text("مساندة واحدة")
        expect(page.get_by_role("button", name="أساند هذا السؤال")).to_have_count(0)
        assert QuestionSupport.objects.filter(question=question).count() == 1
        traffic.assert_offline()
    finally:
        page.context.close()
