"""Demo petitions for the three pilots, one in every state: same seed, same data.

Each petition goes through the services (so its public history is the real one), then its dates are laid out
in the weeks before the load day. Its people are fictitious residents with an ID number and no contact (entered
as staff enter paper participants), so that the demo's answers message nobody.
"""

import random
from datetime import date, timedelta

from django.contrib.auth.models import User
from django.contrib.gis.geos import Point
from django.db import connection, transaction
from django.utils import timezone

from gisportal.participants.models import Participant
from gisportal.participants.services import id_hash
from gisportal.petitions import rules, services
from gisportal.petitions.models import Petition, PetitionEvent, Signature, State, Threshold
from layers.models import District, Municipality

SEED = 2022
CODES = ("6211", "2111", "3111")  # Tozeur, Béja, Sousse
# (state, title, text, in a district?, share of the threshold signed)
PETITIONS = (
    (State.DRAFT, "Un abri à l'arrêt de bus du lycée", "Les élèves attendent au soleil.", True, 0),
    (State.CO_PROMOTERS, "Des toilettes publiques au marché", "Aucune toilette publique au marché central.", True, 0),
    (State.IN_REVIEW, "تهيئة ممر للدراجات", "نطلب ممرا آمنا للدراجات بين الأحياء والمعهد.", False, 0),
    (State.OPEN, "Éclairage de la rue de la gare", "La rue est dans le noir depuis des mois.", True, 0.4),
    (State.THRESHOLD_REACHED, "حديقة عمومية في الحي", "لا توجد مساحة خضراء للأطفال في الحي.", True, 1.05),
    (State.ANSWERED, "Collecte des déchets le dimanche", "Les bacs débordent chaque lundi matin.", False, 1.2),
    (State.REFUSED, "Construction d'une autoroute", "Relier la ville à la capitale.", False, 0),
    (State.CLOSED_UNMET, "Piscine municipale couverte", "Une piscine pour les jeunes et les clubs.", False, 0.3),
)
REACHED = [spec[0] for spec in PETITIONS].index(State.THRESHOLD_REACHED)
ANSWER = (
    "Le conseil municipal a examiné la pétition en séance publique et a décidé d'y donner suite : "
    "le service concerné présentera un calendrier de travaux au prochain conseil."
)
REFUSAL = "La demande ne relève pas des compétences de la commune (réseau routier national)."


def _clerk() -> User:
    """The demo's author of staff decisions: it has no password, so nobody can sign in with it."""
    clerk, created = User.objects.get_or_create(username="petitions-demo", defaults={"is_superuser": True})
    if created:
        clerk.set_unusable_password()
        clerk.save(update_fields=["password"])
    return clerk


def _point_in(district: District, seed: int) -> Point:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT ST_X(g), ST_Y(g)
                 FROM (SELECT coalesce((SELECT (ST_Dump(ST_GeneratePoints(ST_Buffer(boundary, -0.0002), 1, %s))).geom
                                         LIMIT 1), ST_PointOnSurface(boundary)) AS g  -- a sliver has no inside
                         FROM layers_district WHERE id = %s) p""",
            [seed, district.pk],
        )
        lon, lat = cursor.fetchone()
    return Point(lon, lat, srid=4326)


class People:
    """Fictitious residents with a declared ID and no contact, numbered across the whole demo."""

    def __init__(self, clerk: User) -> None:
        self.next, self.clerk = 0, clerk

    def make(self, n: int) -> list[Participant]:
        start, self.next = self.next, self.next + n
        return Participant.objects.bulk_create(
            Participant(source=Participant.Source.PAPER, entered_by=self.clerk, id_hash=id_hash(f"{90_000_000 + i}"))
            for i in range(start, start + n)
        )


def _thresholds(municipality: Municipality, district: District | None) -> None:
    if municipality.population:
        Threshold.objects.create(
            municipality=municipality,
            kind=Threshold.Kind.SHARE,
            share_percent=0.2,
            legal_basis="Démonstration : 0,2 % de la population du recensement",
        )
    else:
        Threshold.objects.create(municipality=municipality, kind=Threshold.Kind.FIXED, fixed_count=100)
    if district is not None:  # the district of the petition that reaches its threshold has its own
        Threshold.objects.create(
            municipality=municipality, district=district, kind=Threshold.Kind.FIXED, fixed_count=40
        )


def _one(
    municipality: Municipality,
    district: District | None,
    spec: tuple,
    people: People,
    clerk: User,
    rng: random.Random,
    today: date,
) -> Petition:
    state, title, text, _in_district, share = spec
    author = people.make(1)[0]
    location = _point_in(district, rng.randrange(1, 10_000)) if district else None
    petition = services.draft_petition(
        municipality=municipality, author=author, title=title, text=text, location=location, district=district
    )
    if state == State.DRAFT:
        return petition
    services.seek_co_promoters(petition=petition, author=author)
    needed = rules.min_co_promoters()
    promoters = people.make(needed if state != State.CO_PROMOTERS else max(needed - 1, 0))
    for participant in promoters:
        services.co_promote(petition=petition, participant=participant)
    if state == State.CO_PROMOTERS:
        return petition
    services.submit_for_review(petition=petition, author=author)
    if state == State.IN_REVIEW:
        return petition
    if state == State.REFUSED:
        return services.refuse_petition(petition=petition, staff=clerk, reason=REFUSAL)
    services.open_petition(petition=petition, staff=clerk)
    goal = round((petition.signatures_needed or 0) * share)
    signers = people.make(goal)
    paper = {p.pk for p in signers if rng.random() < 0.15}
    # The bulk of the signatures at once; the last one through the service, which moves the state on.
    Signature.objects.bulk_create(
        Signature(
            petition=petition,
            participant=p,
            source=Signature.Source.PAPER if p.pk in paper else Signature.Source.ONLINE,
            entered_by=clerk if p.pk in paper else None,
        )
        for p in signers[:-1]
    )
    if signers:
        services.sign(petition=petition, participant=signers[-1])
    if state == State.ANSWERED:
        services.publish_answer(petition=petition, staff=clerk, answer=ANSWER)
    if state == State.CLOSED_UNMET:
        Petition.objects.filter(pk=petition.pk).update(closes_on=today - timedelta(days=1))
        services.close_expired(today=today)
    return petition


def _spread_dates(petition: Petition, today: date, rng: random.Random) -> None:
    """Lay a petition's history out over the weeks before today (its events were all written just now)."""
    petition.refresh_from_db()
    events = list(PetitionEvent.objects.filter(petition=petition).order_by("pk"))
    gaps = [rng.randint(3, 12) for _ in events]
    when = timezone.now() - timedelta(days=sum(gaps))
    for event, gap in zip(events, gaps, strict=True):
        when += timedelta(days=gap)
        when = min(when, timezone.now())
        PetitionEvent.objects.filter(pk=event.pk).update(happened_at=when)
        if event.state == State.THRESHOLD_REACHED:
            due = when.date() + timedelta(days=rules.answer_days())
            Petition.objects.filter(pk=petition.pk).update(threshold_reached_at=when, answer_due_on=due)
        if event.state == State.ANSWERED:
            Petition.objects.filter(pk=petition.pk).update(answered_at=when)
        if event.state == State.OPEN:
            opened = when.date()
            closes = opened + timedelta(days=rules.signing_days())
            if petition.state == State.CLOSED_UNMET:
                closes = min(closes, today - timedelta(days=1))
            Petition.objects.filter(pk=petition.pk).update(opened_on=opened, closes_on=closes)
    Petition.objects.filter(pk=petition.pk).update(created_at=timezone.now() - timedelta(days=sum(gaps)))


@transaction.atomic
def seed(*, seed: int = SEED, codes: tuple[str, ...] = CODES) -> int:
    """Every state in each pilot that is loaded; returns the number of petitions made."""
    rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
    today = timezone.localdate()
    clerk, made = _clerk(), 0
    people = People(clerk)
    for municipality in Municipality.objects.filter(code__in=codes).order_by("code"):
        districts = list(municipality.districts.filter(population__isnull=False).order_by("name"))
        _thresholds(municipality, districts[REACHED % len(districts)] if districts else None)
        for i, spec in enumerate(PETITIONS):
            district = districts[i % len(districts)] if spec[3] and districts else None
            petition = _one(municipality, district, spec, people, clerk, rng, today)
            _spread_dates(petition, today, rng)
            made += 1
    return made
