"""A consultation from opening to its published report, through the services, on the real PostGIS."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import User
from django.contrib.gis.geos import Point
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from gisportal.complaints import abuse
from gisportal.complaints.models import Ban
from gisportal.consultations import open_data, selectors, services
from gisportal.consultations.models import Comment, Consultation, Participation, Stance, SurveyAnswer
from gisportal.participants.models import Participant
from tests.conftest import BEJA_CENTRE, TOZEUR_CENTRE, Town

pytestmark = pytest.mark.django_db


def answers(consultation: Consultation, *labels: str) -> list[int]:
    return [c.pk for q in consultation.questions.all() for c in q.choices.all() if c.label in labels]


def test_a_consultation_runs_to_its_published_report(
    consultation: Consultation, residents: list[Participant], tozeur: Town, planner_tozeur: User
) -> None:
    first, second = consultation.sections.order_by("position")
    for i, resident in enumerate(residents):
        services.comment(consultation=consultation, participant=resident, body=f"Avis {i}", section=first)
        services.set_stance(section=first, participant=resident, value="support" if i < 7 else "oppose")
        services.answer_survey(
            consultation=consultation,
            participant=resident,
            choice_ids=answers(consultation, "Matin" if i % 2 else "Soir", "Pédiatrie", "Maternité"),
        )
    # One comment dropped on the map inside the district, and one reply to it.
    placed = services.comment(
        consultation=consultation,
        participant=residents[0],
        body="Le centre est trop loin d'ici",
        location=Point(TOZEUR_CENTRE[0] + 0.005, TOZEUR_CENTRE[1], srid=4326),
    )
    assert placed.district == tozeur.district and placed.section is None
    reply = services.comment(consultation=consultation, participant=residents[1], body="D'accord", parent=placed)
    # A reply to a reply answers the same comment: one level of replies.
    nested = services.comment(consultation=consultation, participant=residents[2], body="Moi aussi", parent=reply)
    assert nested.parent == placed
    # She changes her mind: one stance each.
    services.set_stance(section=first, participant=residents[0], value="oppose")
    assert Stance.objects.filter(section=first, participant=residents[0]).get().value == "oppose"
    # Moderation: the comment is hidden with a reason, kept in its history.
    rude = Comment.objects.get(body="Avis 3")
    services.hide_comment(comment=rude, staff=planner_tozeur, reason="Propos injurieux")
    rude.refresh_from_db()
    assert rude.body == "Avis 3" and rude.hidden_reason == "Propos injurieux"
    assert [h.hidden_reason for h in rude.history.order_by("history_date")] == ["", "Propos injurieux"]

    with pytest.raises(ValidationError, match="Close the consultation"):
        services.publish_report(consultation=consultation)
    services.close(consultation=consultation, staff=planner_tozeur)
    consultation.refresh_from_db()
    assert consultation.state == Consultation.State.CLOSED
    with pytest.raises(ValidationError, match="not open"):
        services.comment(consultation=consultation, participant=residents[0], body="Trop tard", section=first)
    with pytest.raises(ValidationError, match="section by section"):
        services.publish_report(consultation=consultation)
    services.respond(section=first, text="Le centre ouvrira aussi le samedi matin.")
    services.respond(section=second, text="Aucun changement : la journée mensuelle est maintenue.")
    services.publish_report(consultation=consultation, summary="Merci aux 10 participants.")
    consultation.refresh_from_db()
    assert consultation.state == Consultation.State.REPORTED

    report = selectors.report(consultation)
    assert report.participants == 10 and report.respondents == 10
    assert dict(report.by_group["gender"]) == {"man": None, "woman": 6}  # 4 men: withheld
    assert dict(report.by_group["age_band"]) == {"18-29": None, "30-44": None, "45-59": None, "60+": None}
    assert sum(n or 0 for _g, n in report.by_group["district"]) == 10
    assert dict(report.by_group["district"]) == {"Tozeur centre": 5, "": 5}
    assert report.located_by_district == [("Tozeur centre", 1)]
    figures = {s.section.position: s for s in report.sections}
    assert (figures[1].comments, figures[1].hidden, figures[1].supports, figures[1].opposes) == (9, 1, 6, 4)
    assert (figures[2].comments, figures[2].supports) == (0, 0)
    when, services_missing = report.survey
    assert [(c.label, c.total) for c in when.choices] == [("Matin", 5), ("Soir", 5)]
    assert when.choices[0].by_group["gender"] == {"man": None, "woman": None}  # 3 and 2
    assert when.choices[0].by_group["district"] == {"Tozeur centre": 5}
    assert [(c.label, c.total) for c in services_missing.choices] == [
        ("Pédiatrie", 10),
        ("Dentiste", 0),
        ("Maternité", 10),
    ]

    rows = open_data.report_rows(consultation)
    assert ["participants", "", "", "", "", "", 10] in rows
    assert ["participants", "", "", "", "age_band", "18-29", ""] in rows  # 4 people: withheld
    text = repr(rows)
    for resident in residents:
        assert str(resident.contact) not in text
    assert "Avis" not in text and "Propos injurieux" not in text  # counts, not comments


def test_bad_writes_are_refused_and_store_nothing(
    consultation: Consultation, residents: list[Participant], beja: Town
) -> None:
    first = consultation.sections.first()
    assert first is not None
    resident = residents[0]
    with pytest.raises(ValidationError, match="Write your comment"):
        services.comment(consultation=consultation, participant=resident, body="   ", section=first)
    with pytest.raises(ValidationError, match="outside the municipality"):
        services.comment(
            consultation=consultation, participant=resident, body="Ici", location=Point(*BEJA_CENTRE, srid=4326)
        )
    with pytest.raises(ValidationError, match="Choose the section"):
        services.comment(consultation=consultation, participant=resident, body="Où ?")
    unverified = Participant.objects.create(contact="+21698000000")
    with pytest.raises(PermissionDenied):
        services.comment(consultation=consultation, participant=unverified, body="Bonjour", section=first)
    with pytest.raises(ValidationError, match="Answer every question"):
        services.answer_survey(
            consultation=consultation, participant=resident, choice_ids=answers(consultation, "Matin")
        )
    with pytest.raises(ValidationError, match="only one answer"):
        services.answer_survey(
            consultation=consultation,
            participant=resident,
            choice_ids=answers(consultation, "Matin", "Soir", "Dentiste"),
        )
    Ban.objects.create(kind=Ban.Kind.CONTACT, value=resident.contact or "")
    with pytest.raises(abuse.Banned):
        services.comment(consultation=consultation, participant=resident, body="Bonjour", section=first)
    assert not Comment.objects.exists()
    assert not SurveyAnswer.objects.exists()
    assert not Participation.objects.exists()


@override_settings(PARTICIPATION_ACTIONS_PER_CONTACT_PER_HOUR=3)
def test_comments_are_rate_limited(consultation: Consultation, residents: list[Participant]) -> None:
    first = consultation.sections.first()
    for i in range(3):
        services.comment(consultation=consultation, participant=residents[0], body=f"n{i}", section=first)
    with pytest.raises(abuse.RateLimited):
        services.comment(consultation=consultation, participant=residents[0], body="n4", section=first)
    assert Comment.objects.count() == 3


def test_survey_answers_change_and_never_name_the_respondent(
    consultation: Consultation, residents: list[Participant]
) -> None:
    resident = residents[0]
    services.answer_survey(
        consultation=consultation, participant=resident, choice_ids=answers(consultation, "Matin", "Dentiste")
    )
    services.answer_survey(
        consultation=consultation, participant=resident, choice_ids=answers(consultation, "Soir", "Dentiste")
    )
    answer = SurveyAnswer.objects.get()
    assert answer.choices == sorted(answers(consultation, "Soir", "Dentiste"))
    assert {f.name for f in SurveyAnswer._meta.get_fields()} == {
        "key", "consultation", "gender", "age_band", "district", "choices"
    }  # fmt: skip
    assert selectors.own_answer(consultation, resident) == set(answers(consultation, "Soir", "Dentiste"))


def test_states_follow_the_dates(consultation: Consultation) -> None:
    today = timezone.localdate()
    assert consultation.state == Consultation.State.OPEN
    Consultation.objects.filter(pk=consultation.pk).update(opens_on=today + timedelta(days=1))
    consultation.refresh_from_db()
    assert consultation.state == Consultation.State.UPCOMING
    Consultation.objects.filter(pk=consultation.pk).update(
        opens_on=today - timedelta(days=9), closes_on=today - timedelta(days=1)
    )
    consultation.refresh_from_db()
    assert consultation.state == Consultation.State.CLOSED
    assert list(selectors.open_now()) == []


def test_the_report_names_districts_in_arabic_on_arabic_pages(
    consultation: Consultation, residents: list[Participant], tozeur: Town
) -> None:
    from django.utils import translation

    tozeur.district.name_ar = "وسط توزر"
    tozeur.district.save()
    for resident in residents:
        services.comment(
            consultation=consultation, participant=resident, body="Avis", section=consultation.sections.first()
        )
    with translation.override("ar"):
        assert dict(selectors.report(consultation).by_group["district"]) == {"وسط توزر": 5, "": 5}
        assert dict(selectors.report(consultation, local=False).by_group["district"]) == {"Tozeur centre": 5, "": 5}


def test_participants_hear_when_the_report_is_published(
    consultation: Consultation, django_capture_on_commit_callbacks, mailoutbox
) -> None:  # type: ignore[no-untyped-def]
    first, second = consultation.sections.order_by("position")
    now = timezone.now()
    for i in range(2):
        resident = Participant.objects.create(contact=f"resident{i}@example.tn", verified_at=now)
        services.comment(consultation=consultation, participant=resident, body="Avis", section=first)
        services.comment(consultation=consultation, participant=resident, body="Encore", section=second)
    services.close(consultation=consultation)
    services.respond(section=first, text="Oui")
    services.respond(section=second, text="Non")
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_report(consultation=consultation)
    assert sorted(m.to[0] for m in mailoutbox) == ["resident0@example.tn", "resident1@example.tn"]
    assert all(len(m.to) == 1 and f"/consultations/6211/{consultation.pk}/report/" in m.body for m in mailoutbox)


def test_her_group_counts_as_she_declares_it_when_she_acts(
    consultation: Consultation, residents: list[Participant], tozeur: Town
) -> None:
    first = consultation.sections.first()
    assert first is not None
    newcomer = Participant.objects.create(contact="+21697000000", verified_at=timezone.now())
    services.comment(consultation=consultation, participant=newcomer, body="Premier avis", section=first)
    assert Participation.objects.get(participant=newcomer).gender == ""
    newcomer.gender, newcomer.district = "woman", tozeur.district
    newcomer.save()
    services.set_stance(section=first, participant=newcomer, value="support")
    taken = Participation.objects.get(participant=newcomer)
    assert (taken.gender, taken.district) == ("woman", tozeur.district)
