"""What a participant asked and supported in council meetings, for her own page (nobody else sees it)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from gisportal.council.models import Question, QuestionSupport
from gisportal.participants.activity import Activity
from gisportal.participants.models import Participant


def _url(question: Question) -> str:
    meeting = question.meeting
    return reverse("council:meeting", kwargs={"code": meeting.municipality.code, "pk": meeting.pk}) + f"#q{question.pk}"


def of(participant: Participant) -> list[Activity]:
    asked = Question.objects.filter(author=participant).select_related("meeting__municipality")
    items = [
        Activity(
            question.created_at,
            (_("You asked a question for %(meeting)s (answered)") if question.answered_at
             else _("You asked a question for %(meeting)s (%(status)s)"))
            % {"meeting": question.meeting.title, "status": question.get_status_display()},
            _url(question),
        )
        for question in asked
    ]  # fmt: skip
    supported = QuestionSupport.objects.filter(participant=participant).select_related(
        "question__meeting__municipality"
    )
    items += [
        Activity(
            support.created_at,
            _("You supported a question for %(meeting)s") % {"meeting": support.question.meeting.title},
            _url(support.question),
        )
        for support in supported
    ]
    return items
