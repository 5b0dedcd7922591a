"""In Arabic on a phone, a citizen asks a question for her council's next meeting and later reads its answer."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from gisportal.council import services
from gisportal.council.models import Meeting, Question
from tests.browser import Traffic
from tests.budgeting.test_browser_pb import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_arabic_phone_asks_the_council_and_reads_the_answer(
    phone: tuple[Page, Traffic], live_server: LiveServer, meeting: Meeting, planner_tozeur: User
) -> None:
    page, traffic = phone
    meeting_path = f"/ar/council/6211/{meeting.pk}/"
    page.goto(f"{live_server.url}/ar/council/6211/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    with page.expect_navigation():
        page.click(f"a[href='{meeting_path}']")
    expect(page.get_by_text("Budget 2027")).to_be_visible()
    ask = page.get_by_role("link", name="اطرح سؤالًا على المجلس")
    box = ask.bounding_box()
    assert box is not None and box["height"] >= 44  # a thumb's tap target
    with page.expect_navigation():
        ask.click()
    sign_in(page, "amal@example.tn")  # the participants' one-time code, then back to the question
    assert page.url.endswith(meeting_path + "ask/")

    page.select_option("#id_agenda_item", label="2. Collecte des déchets à Ras Edhrâa")
    page.fill("#id_text", "متى سيتم رفع الفضلات مرتين في الأسبوع في حي رأس الذراع؟")
    with page.expect_navigation():
        page.click("form.form button[type=submit]")
    expect(page.get_by_role("status")).to_contain_text("شكرًا: وصلنا سؤالك")
    expect(page.locator("#own")).to_be_visible()
    expect(page.get_by_text("في انتظار المراجعة")).to_be_visible()
    question = Question.objects.get()
    assert question.agenda_item is not None and question.agenda_item.position == 2

    services.publish_question(question=question, staff=planner_tozeur)
    services.answer_question(question=question, answer="ابتداءً من جانفي، يومي الاثنين والخميس.", staff=planner_tozeur)
    page.reload()
    answer = page.locator(f"#q{question.pk}")
    expect(answer).to_contain_text("جواب المجلس")
    expect(answer).to_contain_text("ابتداءً من جانفي، يومي الاثنين والخميس.")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    traffic.assert_offline()
    traffic.assert_no_console_errors()
