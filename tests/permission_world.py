"""Two towns for the permission table (tests/test_permissions.py): Tozeur and Béja as in tests/conftest.py, and
one Béja object of every kind a staff door opens, made through the apps' own services where they have one."""

from dataclasses import dataclass, field
from datetime import date, timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group, User
from django.contrib.gis.geos import Point
from django.core.files.base import ContentFile
from django.db import connection
from django.db.models import Model
from django.test import override_settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from rest_framework.authtoken.models import Token

from etl.models import ImportJob, ImportRecord, RasterLayer, ZonalStatistic
from gisportal.accounts.models import Role, StaffAction
from gisportal.budgeting import services as budgeting
from gisportal.budgeting.models import PHASE_ORDER, Budget, Envelope, Phase, TrackedProject
from gisportal.community_scorecards import services as scorecards
from gisportal.community_scorecards.models import PHASE_ORDER as CARD_PHASES
from gisportal.community_scorecards.models import FocusGroup
from gisportal.complaints.models import ApiKey, Ban, ResponseTemplate, ServiceCategory
from gisportal.consultations import services as consultations
from gisportal.consultations.models import Consultation
from gisportal.council import services as council
from gisportal.finances import services as finances
from gisportal.finances.models import LineTag
from gisportal.participants import services as participants
from gisportal.participants.models import Participant
from gisportal.petitions import services as petitions
from gisportal.petitions.models import Threshold
from gisportal.routing import services as routing
from gisportal.routing.models import RoadNetwork
from gisportal.routing.planning import Parameters
from gisportal.scorecards.models import (
    BudgetExecution,
    BudgetLine,
    LegacyMunicipality,
    PerformanceCriterion,
    PerformanceScore,
)
from layers.models import Delegation, Governorate
from tests.conftest import BEJA_CENTRE, TOZEUR_CENTRE, Town, make_town, square, staff


@dataclass
class World:
    tozeur: Town
    beja: Town
    planner_tozeur: User
    planner_beja: User
    administrator: User
    # Béja's object of each model, by model (the Béja municipality itself included).
    objects: dict[type[Model], Model] = field(default_factory=dict)
    import_job: ImportJob | None = None

    def of(self, model: type[Model]) -> Model | None:
        return self.objects.get(model)


def verified(contact: str, national_id: str = "") -> Participant:
    participant = Participant.objects.create(contact=contact, verified_at=timezone.now())
    if national_id:
        participants.update_profile(participant=participant, national_id=national_id)
    return participant


def weeks_around(kinds: list[str], today_in: str) -> dict[str, tuple[date, date]]:
    """A week per phase, so that `today_in` is the one running today."""
    today = timezone.localdate()
    at = kinds.index(today_in)
    return {
        kind: (today + timedelta(days=7 * (i - at) - 3), today + timedelta(days=7 * (i - at) + 3))
        for i, kind in enumerate(kinds)
    }


def _budget(world: World, beja: Town) -> None:
    budget = Budget.objects.create(municipality=beja.municipality, year=2026, title="Budget participatif Béja")
    Envelope.objects.create(budget=budget, amount=100_000)
    for kind, (starts, ends) in weeks_around(PHASE_ORDER, Phase.Kind.PROPOSALS).items():
        Phase.objects.create(budget=budget, kind=kind, starts_on=starts, ends_on=ends)
    proposal = budgeting.submit_proposal(
        budget=budget,
        title="Éclairage de la place",
        description="Des lampadaires solaires.",
        category="lighting",
        location=Point(BEJA_CENTRE[0] + 0.002, BEJA_CENTRE[1], srid=4326),
        estimated_cost=20_000,
        author=verified("+21691000001"),
    )
    project = TrackedProject.objects.create(budget=budget, title="Place éclairée", amount_budgeted=20_000)
    world.objects.update({Budget: budget, type(proposal): proposal, TrackedProject: project})


def _petition(world: World, beja: Town) -> None:
    threshold = Threshold.objects.create(municipality=beja.municipality, kind=Threshold.Kind.FIXED, fixed_count=5)
    author = verified("citizen1@example.tn", "10000001")
    with override_settings(PETITIONS_MIN_CO_PROMOTERS=2):
        petition = petitions.draft_petition(
            municipality=beja.municipality, author=author, title="Trottoirs de Béja", text="Ils sont cassés."
        )
        petitions.seek_co_promoters(petition=petition, author=author)
        for n in (2, 3):
            petitions.co_promote(petition=petition, participant=verified(f"citizen{n}@example.tn", f"1000000{n}"))
        petition = petitions.submit_for_review(petition=petition, author=author)
    world.objects.update({Threshold: threshold, type(petition): petition})


def _consultation(world: World, beja: Town) -> None:
    today = timezone.localdate()
    consultation = consultations.open_consultation(
        municipality=beja.municipality,
        title="Programme local de santé de Béja",
        summary="Le projet, chapitre par chapitre.",
        kind=Consultation.Kind.HEALTH_PROGRAMME,
        topic=Consultation.Topic.HEALTH,
        opens_on=today - timedelta(days=3),
        closes_on=today + timedelta(days=20),
        sections=[("Centres de santé", "Ouvrir le samedi.")],
    )
    question = consultations.add_question(
        consultation=consultation, text="Quel horaire ?", kind="single", choices=["Matin", "Soir"]
    )
    comment = consultations.comment(
        consultation=consultation,
        participant=verified("+21691000010"),
        body="Le samedi matin, oui.",
        section=consultation.sections.first(),
    )
    world.objects.update({Consultation: consultation, type(question): question, type(comment): comment})


def _council(world: World, beja: Town) -> None:
    starts = timezone.localtime().replace(hour=18, minute=0, second=0, microsecond=0) + timedelta(days=1)
    meeting = council.schedule_meeting(
        municipality=beja.municipality,
        title="Session ordinaire de Béja",
        starts_at=starts,
        ends_at=starts + timedelta(hours=3),
        place="Hôtel de ville de Béja",
        stream_url="",
    )
    item = council.add_agenda_item(meeting=meeting, title="Budget 2027")
    question = council.ask_question(meeting=meeting, author=verified("+21691000020"), text="Et les trottoirs ?")
    world.objects.update({type(meeting): meeting, type(item): item, type(question): question})


def _score_card(world: World, beja: Town) -> None:
    cycle = scorecards.create_cycle(
        municipality=beja.municipality,
        title="Collecte des déchets à Béja",
        service="waste",
        provider="Service de propreté",
        phases=weeks_around(CARD_PHASES, "scoring"),
    )
    indicator = scorecards.add_indicator(cycle=cycle, name="Passage aux jours annoncés")
    group = scorecards.record_focus_group(
        cycle=cycle,
        kind=FocusGroup.Kind.WOMEN,
        size=12,
        met_on=timezone.localdate() - timedelta(days=10),
        place="Maison des jeunes",
        scores=[scorecards.Score(indicator=indicator, score=3, reason="Souvent en retard")],
        staff=world.planner_beja,
    )
    today = timezone.localdate()
    scorecards.set_phases(cycle=cycle, phases=weeks_around(CARD_PHASES, "interface"))
    action = scorecards.agree_action(
        cycle=cycle,
        what="Un passage de plus",
        who="Service de propreté",
        due_on=today + timedelta(days=30),
        agreed_on=today,
        indicator=indicator,
    )
    world.objects.update({type(cycle): cycle, type(indicator): indicator, FocusGroup: group, type(action): action})


def _routing(world: World, beja: Town) -> None:
    # No broker in tests and the run is queued on commit, which this rolled-back world never reaches: it stays queued.
    run = routing.request_optimisation(municipality=beja.municipality, user=world.planner_beja, parameters=Parameters())
    network = RoadNetwork.objects.create(municipality=beja.municipality, version=1, signature="test")
    world.objects.update({type(run): run, RoadNetwork: network})


def _finances(world: World, beja: Town) -> None:
    BudgetLine.objects.create(
        municipality=beja.municipality,
        year=2018,
        kind="expense",
        title="1",
        article="02202",
        paragraph="0030",
        sub_paragraph="000",
        label_ar="النظافة",
        amount=10_000_000,
    )
    BudgetExecution.objects.create(
        municipality=beja.municipality,
        year=2018,
        month=3,
        kind="expense",
        title="1",
        article="02202",
        paragraph="0030",
        sub_paragraph="000",
        label_ar="النظافة",
        amount=5_000_000,
    )
    criterion = PerformanceCriterion.objects.create(
        code="10", name_ar="الحوكمة", name_fr="Gouvernance", max_score=30, level="domain"
    )
    world.objects[PerformanceCriterion] = criterion
    world.objects[PerformanceScore] = PerformanceScore.objects.create(
        municipality=beja.municipality, year=2018, criterion=criterion, score=25, max_score=30
    )
    world.objects[BudgetLine] = BudgetLine.objects.filter(municipality=beja.municipality).first()  # type: ignore[assignment]
    world.objects[BudgetExecution] = BudgetExecution.objects.filter(municipality=beja.municipality).first()  # type: ignore[assignment]
    finances.seed_default_tags(municipality=beja.municipality)
    world.objects[LineTag] = LineTag.objects.filter(municipality=beja.municipality).first()  # type: ignore[assignment]


def _import_job(world: World, beja: Town) -> None:
    job = ImportJob.objects.create(
        user=world.planner_beja,
        layer="service-points",
        municipality=beja.municipality,
        original_name="points.csv",
        status=ImportJob.Status.DONE,
        summary="1 imported, 1 rejected",
    )
    job.report.save("permission-test-report.csv", ContentFile(b"row,reason\n2,no geometry\n"), save=True)
    world.import_job = job
    # Its record "inserted" Béja's container, as written (its xmin): an undo let through would delete it.
    point = beja.container
    with connection.cursor() as cursor:
        cursor.execute("SELECT xmin::text::bigint FROM layers_servicepoint WHERE id = %s", [point.pk])
        (xid,) = cursor.fetchone()
    ImportRecord.objects.create(
        job=job, user=world.planner_beja, layer="service-points", table_name="layers_servicepoint",
        file_name="points.csv", inserted=[(point.pk, point.pk + 1)], inserted_count=1, writer_xid=xid,
    )  # fmt: skip


def _staff_data(world: World, beja: Town) -> None:
    """The administrator's tables: none of them is a planner's, whatever municipality a row names."""
    group = Group.objects.create(name="Béja editors")
    token, _created = Token.objects.get_or_create(user=world.planner_beja)
    world.objects.update(
        {
            User: world.planner_beja,
            Group: group,
            Token: token,
            ServiceCategory: ServiceCategory.objects.create(
                municipality=beja.municipality, code="lighting", target_days=5
            ),
            ResponseTemplate: ResponseTemplate.objects.create(
                municipality=beja.municipality, title="Merci", text="Merci pour votre signalement."
            ),
            Ban: Ban.objects.create(kind=Ban.Kind.values[0], value="203.0.113.9"),
            ApiKey: ApiKey.objects.create(name="Béja app"),
            StaffAction: StaffAction.objects.create(
                user=world.planner_beja, method="POST", path="/admin/", status=302, ip="203.0.113.7"
            ),
            TOTPDevice: TOTPDevice.objects.create(user=world.planner_beja, name="Béja phone"),
            AccessAttempt: AccessAttempt.objects.create(
                username="planner-beja",
                ip_address="203.0.113.7",
                user_agent="test",
                http_accept="*/*",
                path_info="/admin/login/",
                get_data="",
                post_data="",
                failures_since_start=1,
            ),
            AccessFailureLog: AccessFailureLog.objects.create(
                username="planner-beja",
                ip_address="203.0.113.7",
                user_agent="test",
                http_accept="*/*",
                path_info="/admin/login/",
                locked_out=False,
            ),
            AccessLog: AccessLog.objects.create(
                username="planner-beja",
                ip_address="203.0.113.7",
                user_agent="test",
                http_accept="*/*",
                path_info="/admin/login/",
            ),
            LegacyMunicipality: LegacyMunicipality.objects.create(
                legacy_id="99999",
                name="Béja (ancienne)",
                municipality=beja.municipality,
                centre=Point(*BEJA_CENTRE, srid=4326),
            ),
        }
    )
    raster = RasterLayer.objects.create(
        name="Béja population",
        kind=RasterLayer.Kind.OTHER,
        file="rasters/beja.tif",
        crs="EPSG:4326",
        width=1,
        height=1,
        resolution_x=0.01,
        resolution_y=0.01,
        dtype="float32",
        footprint=beja.municipality.boundary[0],
    )
    world.objects[RasterLayer] = raster
    world.objects[ZonalStatistic] = ZonalStatistic.objects.create(
        raster=raster, zone=ZonalStatistic.Zone.MUNICIPALITY, feature_id=beja.municipality.pk, total=1, cells=1
    )


def build_world() -> World:
    """Run inside a transaction that the caller rolls back."""
    tozeur = make_town(
        "6211",
        "Tozeur",
        Governorate.objects.create(code="62", name_fr="Tozeur", name_ar="توزر", boundary=square(*TOZEUR_CENTRE, 1)),
        *TOZEUR_CENTRE,
    )
    beja_governorate = Governorate.objects.create(
        code="21", name_fr="Béja", name_ar="باجة", boundary=square(*BEJA_CENTRE, 1)
    )
    beja = make_town("2111", "Béja", beja_governorate, *BEJA_CENTRE)
    world = World(
        tozeur=tozeur,
        beja=beja,
        planner_tozeur=staff("planner-tozeur", Role.PLANNER, "6211"),
        planner_beja=staff("planner-beja", Role.PLANNER, "2111"),
        administrator=staff("admin", Role.ADMINISTRATOR),
    )
    world.objects.update(
        {
            type(beja.municipality): beja.municipality,
            type(beja.district): beja.district,
            type(beja.container): beja.container,
            type(beja.route): beja.route,
            type(beja.complaint): beja.complaint,
            Governorate: beja_governorate,
            Delegation: Delegation.objects.create(
                code="21111",
                name_fr="Béja Nord",
                name_ar="باجة الشمالية",
                governorate=beja_governorate,
                boundary=square(*BEJA_CENTRE, 0.05),
            ),
        }
    )
    for part in (_budget, _petition, _consultation, _council, _score_card, _routing, _finances, _import_job):
        part(world, beja)
    _staff_data(world, beja)
    return world
