"""Demo community score cards for two pilots, run through the services phase by phase: same seed, same data.

Tozeur's waste collection has run to its action plan (being followed today); Béja's municipal fees are open for
scoring. Dates are laid out around the day the demo is loaded. Participants are fictitious (example.invalid).
"""

import random
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from gisportal.community_scorecards import services
from gisportal.community_scorecards.models import PHASE_ORDER, Cycle, FocusGroup, Indicator
from gisportal.participants.models import AgeBand, Gender, Participant
from layers.models import District, Municipality

SEED = 2024
LENGTHS = {"preparation": 21, "scoring": 21, "self-evaluation": 14, "interface": 7, "follow-up": 180}


def _phases(running: str, today: date, into: int | None = None) -> dict[str, tuple[date, date]]:
    """The five phases one after another, `running` today (`into` days after it started, else half-way)."""
    at = PHASE_ORDER.index(running)
    start = today - timedelta(days=sum(LENGTHS[k] for k in PHASE_ORDER[:at]) + (into or LENGTHS[running] // 2))
    dates = {}
    for kind in PHASE_ORDER:
        dates[kind] = (start, start + timedelta(days=LENGTHS[kind] - 1))
        start += timedelta(days=LENGTHS[kind])
    return dates


def _marginalised(municipality: Municipality) -> District | None:
    districts = District.objects.filter(municipality=municipality, marginalisation_score__isnull=False)
    return districts.order_by(F("marginalisation_score").desc(nulls_last=True), "name").first()


def _participants(municipality: Municipality, n: int, rng: random.Random) -> list[Participant]:
    districts = list(District.objects.filter(municipality=municipality))
    now = timezone.now()
    people = []
    for i in range(n):
        contact = f"cards-{municipality.code}-{i}@example.invalid"
        person, _created = Participant.objects.get_or_create(
            contact=contact,
            defaults={
                "verified_at": now,
                "gender": rng.choice([Gender.WOMAN, Gender.MAN, ""]),
                "age_band": rng.choice([a for a, _label in AgeBand.choices]),
                "district": rng.choice(districts) if districts else None,
            },
        )
        people.append(person)
    return people


def _group_scores(
    indicators: list[Indicator],
    means: list[float],
    rng: random.Random,
    texts: list[tuple[tuple[str, str], ...]],
    n: int,
) -> list[services.Score]:
    """Group n's scores around the indicators' means, each with what that group said."""
    return [
        services.Score(indicator, max(1, min(5, round(mean + rng.uniform(-0.8, 0.8)))), *said[n % len(said)])
        for indicator, mean, said in zip(indicators, means, texts, strict=True)
    ]


def _online(
    cycle: Cycle, indicators: list[Indicator], means: list[float], people: list[Participant], rng: random.Random
) -> None:
    for person in people:
        scores = [
            services.Score(i, max(1, min(5, round(rng.gauss(m, 0.9))))) for i, m in zip(indicators, means, strict=True)
        ]
        services.score_online(cycle=cycle, participant=person, scores=scores)


# Each indicator: its name, the groups' mean, and what groups said (reason, suggestion), one after another.
TOZEUR_INDICATORS = (
    (
        "Passage aux jours et heures annoncés",
        2.6,
        (
            (
                "Le camion ne passe pas le samedi dans notre rue.",
                "Afficher le calendrier de collecte dans chaque quartier.",
            ),
            ("الشاحنة تتأخر ساعات ولا نعرف متى تمر.", "إعلام المتساكنين بالرسائل القصيرة عند التأخير."),
            ("Après les fêtes, rien n'est ramassé pendant trois jours.", "Une tournée de plus les lendemains de fête."),
        ),
    ),
    (
        "Propreté autour des bacs",
        2.0,
        (
            ("Les bacs débordent et les sacs restent par terre.", "Laver les bacs et en ajouter près du marché."),
            ("الروائح كريهة في الصيف حول الحاويات.", "غسل الحاويات كل شهر."),
            ("Les chiens errants éventrent les sacs.", "Des bacs avec couvercle."),
        ),
    ),
    (
        "Nombre de bacs suffisant",
        2.4,
        (
            ("Il faut marcher loin pour trouver un bac.", "Un bac tous les 100 mètres dans les quartiers denses."),
            ("لا توجد حاويات في حيّنا، نرمي الأكياس في الأرض الخالية.", "حاويات في الحيّ قبل كل شيء."),
            ("Les personnes âgées ne peuvent pas porter les sacs si loin.", "Rapprocher les bacs des maisons."),
        ),
    ),
    (
        "Réponse aux réclamations",
        3.1,
        (
            ("On répond au téléphone mais rien ne change.", "Donner un numéro de suivi à chaque réclamation."),
            ("الشكاية على البوابة تصل ويأتي الرد بعد أسبوع.", "الرد في ظرف ثلاثة أيام."),
            ("Les jeunes ne savent pas où se plaindre.", "Faire connaître le signalement en ligne."),
        ),
    ),
)
TOZEUR_SELF = (
    (4, "Les tournées suivent le calendrier, sauf quand un camion est en panne."),
    (3, "Les bacs sont vidés mais le lavage n'est pas régulier faute de citerne."),
    (3, "Le parc de bacs est en dessous du besoin : 820 pour 1 000 prévus."),
    (4, "Chaque réclamation reçoit une réponse ; le suivi des travaux est plus lent."),
)
TOZEUR_ACTIONS = (
    # what, who, due (days after the interface meeting), status, updates (days after the meeting, status, note)
    (
        "Afficher le calendrier de collecte dans les 12 quartiers et sur le portail",
        "Service de la propreté",
        20,
        "done",
        (
            (7, "in-progress", "Calendrier imprimé, affichage commencé dans 5 quartiers."),
            (18, "done", "Affiché dans les 12 quartiers et publié sur le portail."),
        ),
    ),
    (
        "Ajouter 60 bacs de 660 L près du marché et dans le quartier prioritaire",
        "Direction des travaux",
        75,
        "in-progress",
        ((30, "in-progress", "Commande de 60 bacs passée ; 25 livrés et posés."),),
    ),
    (
        "Laver les bacs une fois par mois",
        "Service de la propreté",
        40,
        "in-progress",
        ((35, "in-progress", "Premier lavage fait dans le centre-ville."),),
    ),
    ("Réparer les deux camions à l'arrêt", "Parc municipal", 10, "planned", ()),
    (
        "Numéro de suivi pour chaque réclamation et réponse sous 7 jours",
        "Bureau des relations avec le citoyen",
        120,
        "planned",
        (),
    ),
)
BEJA_INDICATORS = (
    (
        "Temps d'attente au guichet",
        2.5,
        (
            ("Plus d'une heure d'attente le matin.", "Ouvrir un deuxième guichet le lundi."),
            ("ننتظر طويلا ولا يوجد مكان للجلوس.", "كراسي وأرقام انتظار."),
        ),
    ),
    (
        "Clarté des montants à payer",
        2.2,
        (
            ("On ne sait pas comment le montant est calculé.", "Afficher les tarifs et remettre un détail du calcul."),
            ("لا نفهم لماذا تغيّر مبلغ المعلوم هذا العام.", "شرح التعريفة على البوابة."),
        ),
    ),
    (
        "Accueil par les agents",
        3.4,
        (
            ("Les agents sont polis mais débordés.", "Un agent d'accueil pour orienter."),
            ("الأعوان يحسنون الاستقبال.", "المحافظة على ذلك."),
        ),
    ),
)


@transaction.atomic
def seed(*, seed: int = SEED, today: date | None = None) -> int:
    """Both demo cycles; returns the online scores given."""
    today = today or timezone.localdate()
    rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
    return _tozeur(rng, today) + _beja(rng, today)


def _run_scoring(
    cycle: Cycle, specs, rng, met_from: date, kinds: list[str], people: list[Participant]
) -> list[Indicator]:  # type: ignore[no-untyped-def]
    indicators = [services.add_indicator(cycle=cycle, name=name) for name, _mean, _texts in specs]
    means = [mean for _name, mean, _texts in specs]
    texts = [t for _name, _mean, t in specs]
    marginalised = _marginalised(cycle.municipality)
    for n, kind in enumerate(kinds):
        if kind == FocusGroup.Kind.DISTRICT and marginalised is None:
            continue
        services.record_focus_group(
            cycle=cycle,
            kind=kind,
            district=marginalised if kind == FocusGroup.Kind.DISTRICT else None,
            size=rng.randint(8, 18),
            met_on=met_from + timedelta(days=2 * n),
            place=rng.choice(["Maison des jeunes", "Maison de la culture", "Siège de la commune", "École primaire"]),
            scores=_group_scores(indicators, means, rng, texts, n),
            staff=None,
        )
    _online(cycle, indicators, means, people, rng)
    return indicators


def _tozeur(rng: random.Random, today: date) -> int:
    municipality = Municipality.objects.get(code="6211")
    cycle = services.create_cycle(
        municipality=municipality,
        title="Collecte des déchets ménagers — Tozeur",
        service="waste",
        provider="Service de la propreté de la commune de Tozeur",
        phases={},
    )
    for name, value, planned, unit, source in (
        ("Agents de collecte", 48, 60, "agents", "Service du personnel, 2026"),
        ("Camions de collecte en état de marche", 6, 8, "camions", "Parc municipal"),
        ("Bacs de 660 L en place", 820, 1000, "bacs", "Inventaire du service de la propreté"),
        ("Budget de la propreté exécuté", 1_240_000, 1_500_000, "DT", "Compte financier provisoire 2026"),
    ):
        services.record_input(
            cycle=cycle, name=name, value=Decimal(value), planned=Decimal(planned), unit=unit, source=source
        )
    # Run through the phases: scoring open (the groups met in its first days), then the self-evaluation, then
    # the dates as they were, with the follow-up of the action plan a month in.
    final = _phases("follow-up", today, into=30)
    services.set_phases(cycle=cycle, phases=_phases("scoring", today))
    people = _participants(municipality, 64, rng)
    kinds = ["women", "men", "youth", "elderly", "district"]
    indicators = _run_scoring(cycle, TOZEUR_INDICATORS, rng, final["scoring"][0] + timedelta(days=1), kinds, people)
    for indicator, (score, reason) in zip(indicators, TOZEUR_SELF, strict=True):
        services.record_self_evaluation(indicator=indicator, score=services.Score(indicator, score, reason), staff=None)
    services.set_phases(cycle=cycle, phases=final)
    meeting = final["interface"][0] + timedelta(days=2)
    for (what, who, due, _status, updates), indicator in zip(TOZEUR_ACTIONS, [*indicators, indicators[3]], strict=True):
        action = services.agree_action(
            cycle=cycle,
            what=what,
            who=who,
            due_on=meeting + timedelta(days=due),
            agreed_on=meeting,
            indicator=indicator,
        )
        for after, status, note in updates:
            services.update_action(
                action=action, status=status, note=note, on=min(meeting + timedelta(days=after), today), staff=None
            )
    return len(people) * len(indicators)


def _beja(rng: random.Random, today: date) -> int:
    municipality = Municipality.objects.get(code="2111")
    cycle = services.create_cycle(
        municipality=municipality,
        title="Guichet des taxes et redevances — Béja",
        service="fees",
        provider="Recette municipale de Béja",
        phases={},
    )
    for name, value, planned, unit, source in (
        ("Guichets ouverts", 2, 4, "guichets", "Recette municipale"),
        ("Agents au guichet", 5, 8, "agents", "Service du personnel, 2026"),
        ("Heures d'ouverture par semaine", 30, 40, "heures", "Arrêté municipal d'ouverture"),
    ):
        services.record_input(
            cycle=cycle, name=name, value=Decimal(value), planned=Decimal(planned), unit=unit, source=source
        )
    services.set_phases(cycle=cycle, phases=_phases("scoring", today))
    people = _participants(municipality, 23, rng)
    met_from = _phases("scoring", today)["scoring"][0]
    indicators = _run_scoring(cycle, BEJA_INDICATORS, rng, met_from, ["women", "youth", "district"], people)
    return len(people) * len(indicators)
