"""Demo consultations for the three pilots, one in each state (open, closed, report published): same seed, same
data. Dates are laid out around the day the demo is loaded; participants are fictitious (example.invalid).
"""

import random
from datetime import date, timedelta

from django.contrib.auth.models import User
from django.contrib.gis.geos import Point
from django.db import connection, transaction
from django.test import override_settings
from django.utils import timezone

from gisportal.consultations import services
from gisportal.consultations.models import Comment, Consultation
from gisportal.participants.models import AgeBand, Gender, Participant
from layers.models import District, Municipality

SEED = 2030
OPEN, CLOSED, REPORTED = "open", "closed", "reported"
# (municipality, state, kind, topic, title, sections, survey, participants)
CONSULTATIONS = (
    ("6211", OPEN, "health-programme", "health", "Programme local de santé 2027",
     ("Centres de santé de base", "Santé des femmes et des mères", "Santé des jeunes"), True, 48),
    ("6211", CLOSED, "regulation", "culture", "Règlement des terrasses et des fêtes de la médina",
     ("Horaires", "Musique et manifestations culturelles", "Accès des personnes handicapées"), False, 26),
    ("6211", REPORTED, "plan", "youth", "Plan local pour la jeunesse 2026",
     ("Maisons des jeunes", "Sport de proximité", "Emploi et formation"), True, 64),
    ("2111", OPEN, "regulation", "other", "Règlement du marché hebdomadaire",
     ("Emplacements et tarifs", "Propreté du marché", "Stationnement"), True, 40),
    ("2111", CLOSED, "plan", "education", "Plan des abords des écoles",
     ("Traversées sûres", "Transport scolaire", "Éclairage des chemins"), False, 22),
    ("2111", REPORTED, "policy", "vulnerable", "Politique locale d'accessibilité",
     ("Bâtiments municipaux", "Trottoirs et rampes", "Information accessible"), True, 55),
    ("3111", OPEN, "health-programme", "health", "Services de santé municipaux : charte et programme",
     ("Horaires des centres", "Hygiène et contrôle", "Prévention dans les quartiers"), True, 52),
    ("3111", CLOSED, "plan", "culture", "Plan culturel de la médina",
     ("Festivals", "Bibliothèques", "Patrimoine"), False, 30),
    ("3111", REPORTED, "policy", "women", "Politique locale pour les femmes",
     ("Sécurité dans l'espace public", "Crèches municipales", "Participation aux décisions"), True, 70),
)  # fmt: skip
SECTION_TEXT = (
    "La municipalité propose les mesures suivantes pour ce chapitre. Dites-nous ce qui manque, ce qui doit changer "
    "et ce qui vous convient.\n\nتقترح البلدية الإجراءات التالية لهذا الباب. أخبرونا بما ينقص وما يجب تغييره."
)
COMMENTS = (
    "Il faudrait ouvrir aussi le samedi matin.",
    "Bonne idée, mais prévoir plus de personnel.",
    "نحتاج إلى هذا في حيّنا منذ سنوات.",
    "Pensez aux personnes âgées qui ne peuvent pas se déplacer.",
    "يجب إشراك الشباب في التنفيذ.",
    "Le budget prévu semble trop faible.",
    "أوافق بشرط احترام الآجال.",
    "Il manque un calendrier précis.",
    "Les femmes du quartier demandent des horaires adaptés.",
    "Merci pour cette consultation, c'est la première fois qu'on nous demande.",
)
PLACES = ("Ici le trottoir est impraticable.", "هنا ينقص الإنارة ليلاً.", "Ce terrain pourrait accueillir le projet.")
SURVEY = (
    ("Quel horaire vous convient le mieux ? / ما هو التوقيت الأنسب لكم؟", "single", ("Matin", "Après-midi", "Soir")),
    ("Qu'est-ce qui compte le plus pour vous ? / ما هو الأهم بالنسبة لكم؟", "multiple",
     ("La proximité", "Le coût", "L'accueil", "L'information")),
)  # fmt: skip
RESPONSES = (
    "Pris en compte : la mesure est modifiée comme beaucoup l'ont demandé.",
    "Pas de changement : la mesure est maintenue, car le budget ne le permet pas cette année.",
    "Complété : un calendrier précis est ajouté.",
)
GENDERS = ((Gender.WOMAN, 50), (Gender.MAN, 44), ("", 6))
AGES = (
    (AgeBand.UNDER_18, 5),
    (AgeBand.FROM_18, 35),
    (AgeBand.FROM_30, 28),
    (AgeBand.FROM_45, 20),
    (AgeBand.FROM_60, 8),
    ("", 4),
)


def _pick(rng: random.Random, weighted: tuple) -> str:
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights=weights)[0]


def _points(municipality: Municipality, n: int, seed: int) -> list[Point]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT ST_X(g), ST_Y(g) FROM (SELECT (ST_Dump(ST_GeneratePoints(
                   coalesce((SELECT ST_Union(boundary) FROM layers_district WHERE municipality_id = m.id), m.boundary),
                   %s, %s))).geom AS g FROM layers_municipality m WHERE m.id = %s) p""",
            [n, seed, municipality.pk],
        )
        return [Point(x, y, srid=4326) for x, y in cursor.fetchall()]


def _residents(rng: random.Random, municipality: Municipality, n: int, key: str) -> list[Participant]:
    districts = list(District.objects.filter(municipality=municipality).order_by("pk"))
    now = timezone.now()
    residents = []
    for i in range(n):
        resident, _created = Participant.objects.get_or_create(
            contact=f"consult-{key}-{i}@example.invalid",
            defaults={
                "gender": _pick(rng, GENDERS),
                "age_band": _pick(rng, AGES),
                "district": rng.choice(districts) if districts and rng.random() < 0.85 else None,
                "verified_at": now,
            },
        )
        residents.append(resident)
    return residents


def _run(
    rng: random.Random, consultation: Consultation, residents: list[Participant], with_survey: bool, seed: int
) -> int:
    sections = list(consultation.sections.order_by("position"))
    written: list[Comment] = []
    for resident in residents:
        for section in rng.sample(sections, k=rng.randint(0, 2)):
            written.append(
                services.comment(
                    consultation=consultation, participant=resident, body=rng.choice(COMMENTS), section=section
                )
            )
        for section in sections:
            if rng.random() < 0.6:
                value = "support" if rng.random() < 0.7 else "oppose"
                services.set_stance(section=section, participant=resident, value=value)
    for point, resident in zip(_points(consultation.municipality, 6, seed), rng.sample(residents, 6), strict=False):
        written.append(
            services.comment(
                consultation=consultation,
                participant=resident,
                body=rng.choice(PLACES),
                location=point,
                section=rng.choice([None, *sections]),
            )
        )
    for parent in rng.sample(written, k=min(5, len(written))):
        services.comment(
            consultation=consultation,
            participant=rng.choice(residents),
            body="Je suis d'accord. / أوافق.",
            parent=parent,
        )
    if with_survey:
        questions = list(consultation.questions.prefetch_related("choices"))
        for resident in residents:
            if rng.random() < 0.75:
                chosen = []
                for q in questions:
                    choices = [c.pk for c in q.choices.all()]
                    chosen += [rng.choice(choices)] if q.kind == "single" else rng.sample(choices, rng.randint(1, 2))
                services.answer_survey(consultation=consultation, participant=resident, choice_ids=chosen)
    return len(written)


def _moderator() -> User:
    moderator, _created = User.objects.get_or_create(username="demo-moderator", defaults={"is_active": False})
    return moderator


@override_settings(PARTICIPATION_ACTIONS_PER_CONTACT_PER_HOUR=10**6, PARTICIPATION_ACTIONS_PER_IP_PER_HOUR=10**6)
@transaction.atomic
def seed(*, seed: int = SEED, today: date | None = None) -> int:
    """Load the demo consultations; returns the number of comments written."""
    rng = random.Random(seed)  # noqa: S311 (demo data, the same on every load)
    today = today or timezone.localdate()
    comments = 0
    for n, (code, state, kind, topic, title, section_titles, with_survey, people) in enumerate(CONSULTATIONS):
        municipality = Municipality.objects.filter(code=code).first()
        if municipality is None:
            continue
        consultation = services.open_consultation(
            municipality=municipality,
            title=title,
            summary=f"La municipalité soumet ce projet à la consultation. تعرض البلدية هذا المشروع للاستشارة: {title}.",
            kind=kind,
            topic=topic,
            opens_on=today - timedelta(days=10),
            closes_on=today + timedelta(days=20),
            sections=[(t, SECTION_TEXT) for t in section_titles],
        )
        if with_survey:
            for text, question_kind, choices in SURVEY:
                services.add_question(consultation=consultation, text=text, kind=question_kind, choices=choices)
        residents = _residents(rng, municipality, people, f"{seed}-{code}")
        comments += _run(rng, consultation, residents, with_survey, seed + n)
        first = consultation.comments.filter(parent__isnull=True).order_by("pk").first()
        if first is not None:
            services.hide_comment(comment=first, staff=_moderator(), reason="Données personnelles / معطيات شخصية")
        if state == OPEN:
            continue
        Consultation.objects.filter(pk=consultation.pk).update(
            opens_on=today - timedelta(days=60), closes_on=today - timedelta(days=20)
        )
        services.close(consultation=consultation)
        if state == REPORTED:
            for i, section in enumerate(consultation.sections.order_by("position")):
                services.respond(section=section, text=RESPONSES[i % len(RESPONSES)])
            services.publish_report(
                notify=False,  # fictitious participants: nobody to tell
                consultation=consultation,
                summary="Merci à toutes et à tous. Voici ce que nous avons changé. / شكراً لكم، إليكم ما غيّرناه.",
            )
    return comments
