"""Demo council meetings for the three pilots: in each, a past meeting held with its minutes and answered
questions, an upcoming one open for questions, and in Béja a cancelled one. Dates are laid out around the day
the demo is loaded; participants are fictitious (contacts under example.invalid)."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from gisportal.council import services
from gisportal.council.models import Meeting
from gisportal.participants.models import Participant
from layers.models import Municipality


@dataclass(frozen=True)
class Town:
    code: str
    place: str
    stream: str
    past_agenda: tuple[str, ...]
    past_questions: tuple[tuple[str, str, int], ...]  # question, answer, supports
    minutes: str
    next_agenda: tuple[str, ...]
    next_questions: tuple[tuple[str, int], ...]  # published question, supports
    pending: str


PILOTS = (
    Town(
        "6211",
        "Salle des délibérations, Hôtel de ville de Tozeur",
        "https://www.facebook.com/commune.tozeur/live",
        (
            "Adoption du procès-verbal de la séance précédente",
            "Programme de collecte des déchets 2027",
            "Conventions avec les associations de quartier",
        ),
        (
            (
                "متى سيتم رفع الفضلات مرتين في الأسبوع في حي رأس الذراع؟",
                "ابتداءً من جانفي، يومي الاثنين والخميس، حسب برنامج الجمع الجديد.",
                14,
            ),
            (
                "Les bacs du marché débordent le samedi : un passage supplémentaire est-il prévu ?",
                "Oui, une tournée supplémentaire le samedi à 14 h dès le mois prochain.",
                9,
            ),
        ),
        "Le conseil a adopté le programme de collecte 2027 (22 voix pour, 2 abstentions) et deux conventions.",
        ("Budget 2027 : vote", "Aménagement de la place du marché", "Questions diverses"),
        (
            ("هل سيتم تخصيص جزء من ميزانية 2027 لإنارة الأحياء الشعبية؟", 11),
            ("Le stationnement autour de la médina sera-t-il réorganisé ?", 4),
        ),
        "Pourquoi les séances commencent-elles pendant les heures de travail ?",
    ),
    Town(
        "2111",
        "Salle des fêtes municipale, Béja",
        "",
        ("Tarifs des redevances municipales 2027", "Guichet unique : bilan du premier semestre"),
        (
            (
                "Peut-on payer les redevances municipales en ligne ?",
                "Le paiement en ligne ouvre en février ; le guichet unique reste ouvert le samedi matin.",
                17,
            ),
            (
                "لماذا ارتفع معلوم رخصة البناء هذه السنة؟",
                "لم يتغير المعلوم؛ أضيف معلوم الدراسة الفنية المطلوب قانونًا وهو مفصل في الوثيقة المرفقة.",
                6,
            ),
        ),
        "Le conseil a adopté les tarifs 2027 inchangés et décidé l'ouverture du paiement en ligne.",
        ("Plan de circulation du centre-ville", "Budget 2027 : vote"),
        (("Le marché hebdomadaire sera-t-il déplacé pendant les travaux ?", 8),),
        "متى تفتح مكتبة الحي من جديد؟",
    ),
    Town(
        "3111",
        "Hôtel de ville de Sousse, salle du conseil",
        "https://www.youtube.com/@communesousse/live",
        ("Programme de santé municipal : hygiène et contrôle sanitaire", "Entretien des centres de santé de base"),
        (
            (
                "Quand le centre de santé de base de Sahloul sera-t-il ouvert l'après-midi ?",
                "À partir du 1er mars, du lundi au vendredi jusqu'à 17 h.",
                21,
            ),
        ),
        "Le conseil a adopté le programme d'hygiène 2027 et un plan d'entretien des centres de santé.",
        ("Budget 2027 : vote", "Campagne de démoustication de printemps"),
        (
            ("Y aura-t-il des contrôles d'hygiène plus fréquents dans les restaurants de la corniche ?", 12),
            ("هل يمكن توفير حاويات فرز في الأحياء؟", 5),
        ),
        "La plage de Boujaafar aura-t-elle des sanitaires accessibles cet été ?",
    ),
)


MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
          "novembre", "décembre")  # fmt: skip


def _title(kind: str, day: datetime) -> str:
    return f"{kind} de {MONTHS[day.month - 1]} {day.year}"


def _at(day: datetime, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day.date(), time(hour)))


def _residents(code: str, count: int) -> list[Participant]:
    now = timezone.now()
    return [
        Participant.objects.get_or_create(contact=f"council-{code}-{i}@example.invalid", defaults={"verified_at": now})[
            0
        ]
        for i in range(count)
    ]


def _meeting(municipality: Municipality, title: str, start: datetime, town: Town, agenda: tuple[str, ...]) -> Meeting:
    meeting = services.schedule_meeting(
        municipality=municipality,
        title=title,
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        place=town.place,
        stream_url=town.stream,
    )
    for item in agenda:
        services.add_agenda_item(meeting=meeting, title=item)
    return meeting


def _supported(question, people: list[Participant], count: int) -> None:  # type: ignore[no-untyped-def]
    for person in people[1 : count + 1]:
        services.support_question(question=question, participant=person)


@transaction.atomic
def seed() -> int:
    """Load the pilots' meetings; returns how many meetings were created."""
    today = timezone.localtime()
    created = 0
    for town in PILOTS:
        municipality = Municipality.objects.filter(code=town.code).first()
        if municipality is None:  # load_demo was not run for this pilot
            continue
        people = _residents(town.code, 25)
        past_start = _at(today - timedelta(days=21), 17)
        past = _meeting(municipality, _title("Session ordinaire", past_start), past_start, town, town.past_agenda)
        asked_at = past_start - timedelta(days=3)
        for n, (text, answer, supports) in enumerate(town.past_questions):
            question = services.ask_question(meeting=past, author=people[n], text=text, now=asked_at)
            services.publish_question(question=question, now=asked_at, notify=False)
            _supported(question, people[n:], supports)
            services.answer_question(
                question=question, answer=answer, now=past_start + timedelta(hours=2), notify=False
            )
        services.publish_minutes(meeting=past, minutes=town.minutes, now=past_start + timedelta(days=2))
        next_start = _at(today + timedelta(days=10), 17)
        upcoming = _meeting(municipality, _title("Session ordinaire", next_start), next_start, town, town.next_agenda)
        for n, (text, supports) in enumerate(town.next_questions):
            question = services.ask_question(meeting=upcoming, author=people[n], text=text)
            services.publish_question(question=question, notify=False)
            _supported(question, people[n:], supports)
        services.ask_question(meeting=upcoming, author=people[-1], text=town.pending)
        created += 2
        if town.code == "2111":
            start = _at(today + timedelta(days=4), 10)
            cancelled = _meeting(
                municipality, _title("Session extraordinaire", start), start, town, ("Marché couvert",)
            )
            services.cancel_meeting(meeting=cancelled, reason="Reportée faute de quorum ; nouvelle date à venir.")
            created += 1
    return created
