"""Participatory budgets: a municipality's yearly cycle, from citizens' proposals to the projects it builds.

Ballots are secret. `Voter` says who took part (one per participant and budget), `Ballot` what was chosen,
with no participant: it is found again, to be changed until voting closes, by a keyed hash of the budget and
the participant, and it carries only the self-declared group needed for totals by district, gender and age.
"""

from django.conf import settings
from django.contrib.gis.db import models
from django.contrib.postgres.fields import ArrayField
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from gisportal.participants.models import AgeBand, Gender, Participant

SRID = 4326


class Source(models.TextChoices):
    ONLINE = "online", _("Online")
    PAPER = "paper", _("On paper, entered by staff")
    IMPORTED = "imported", _("Imported from a Pabulib file")


class Budget(models.Model):
    class Method(models.TextChoices):
        KNAPSACK = "knapsack", _("Choose projects up to the envelope's amount")
        APPROVAL = "approval", _("Choose up to a number of projects")

    class Rule(models.TextChoices):
        GREEDY = "greedy", _("Most votes first, while the money lasts")
        EQUAL_SHARES = "equal-shares", _("Method of Equal Shares")

    municipality = models.ForeignKey(
        "layers.Municipality", models.PROTECT, related_name="participatory_budgets", verbose_name=_("municipality")
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    method = models.CharField(_("voting method"), max_length=10, choices=Method.choices, default=Method.KNAPSACK)
    max_choices = models.PositiveSmallIntegerField(
        _("projects per ballot (approval)"), null=True, blank=True, validators=[MinValueValidator(1)]
    )
    min_share = models.PositiveSmallIntegerField(
        _("minimum share of the envelope a ballot must use (%)"),
        default=0,
        validators=[MaxValueValidator(100)],
        help_text=_("Knapsack voting: a ballot must choose projects worth at least this share of the envelope."),
    )
    rule = models.CharField(_("counting rule"), max_length=12, choices=Rule.choices, default=Rule.GREEDY)
    currency = models.CharField(_("currency"), max_length=3, default="TND")
    results_published_at = models.DateTimeField(_("results published"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year", "municipality__code"]
        verbose_name = _("participatory budget")
        verbose_name_plural = _("participatory budgets")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year"], name="one_budget_per_municipality_year"),
            models.CheckConstraint(
                condition=~models.Q(method="approval") | models.Q(max_choices__isnull=False),
                name="approval_has_max_choices",
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Phase(models.Model):
    class Kind(models.TextChoices):
        INFORMATION = "information", _("Information")
        PROPOSALS = "proposals", _("Proposals")
        REVIEW = "review", _("Feasibility review")
        VOTING = "voting", _("Voting")
        RESULTS = "results", _("Results")
        IMPLEMENTATION = "implementation", _("Implementation")

    budget = models.ForeignKey(Budget, models.CASCADE, related_name="phases")
    kind = models.CharField(_("phase"), max_length=15, choices=Kind.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))

    class Meta:
        ordering = ["starts_on"]
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        constraints = [
            models.UniqueConstraint(fields=["budget", "kind"], name="one_phase_of_each_kind"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="phase_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_on}/{self.ends_on}"


PHASE_ORDER = list(Phase.Kind.values)


class Envelope(models.Model):
    """Money for the whole municipality (no district) or for one district."""

    budget = models.ForeignKey(Budget, models.CASCADE, related_name="envelopes")
    district = models.ForeignKey(
        "layers.District", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("district")
    )
    amount = models.PositiveBigIntegerField(_("amount"), validators=[MinValueValidator(1)])

    class Meta:
        ordering = ["budget", "district__name"]
        verbose_name = _("envelope")
        verbose_name_plural = _("envelopes")
        constraints = [
            models.UniqueConstraint(
                fields=["budget", "district"], name="one_envelope_per_district", nulls_distinct=False
            )
        ]

    def __str__(self) -> str:
        return str(self.district or _("Whole municipality"))


class Proposal(models.Model):
    class Category(models.TextChoices):
        ROADS = "roads", _("Roads and pavements")
        LIGHTING = "lighting", _("Street lighting")
        GREEN = "green", _("Parks and green spaces")
        WASTE = "waste", _("Cleanliness and waste")
        WATER = "water", _("Water and sanitation")
        CULTURE = "culture", _("Culture")
        SPORT = "sport", _("Sport and youth")
        HEALTH = "health", _("Health")
        EDUCATION = "education", _("Education")
        ACCESS = "access", _("Accessibility")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted, awaiting review")
        FEASIBLE = "feasible", _("Feasible, on the ballot")
        UNFEASIBLE = "unfeasible", _("Not feasible")
        MERGED = "merged", _("Merged into another proposal")
        SELECTED = "selected", _("Selected")
        NOT_SELECTED = "not-selected", _("Not selected")

    budget = models.ForeignKey(Budget, models.CASCADE, related_name="proposals")
    code = models.CharField(_("project id"), max_length=40, help_text=_("Its id in the Pabulib export"))
    envelope = models.ForeignKey(Envelope, models.PROTECT, related_name="proposals", verbose_name=_("envelope"))
    district = models.ForeignKey(
        "layers.District", models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("district")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), max_length=5000)
    category = models.CharField(_("category"), max_length=12, choices=Category.choices, default=Category.OTHER)
    location = models.GeometryField(_("place"), srid=SRID, null=True, blank=True)
    estimated_cost = models.PositiveBigIntegerField(_("estimated cost"))
    cost = models.PositiveBigIntegerField(_("cost after review"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    review_note = models.TextField(_("review note (public)"), blank=True)
    merged_into = models.ForeignKey(
        "self", models.SET_NULL, null=True, blank=True, related_name="merged", verbose_name=_("merged into")
    )
    photo = models.ImageField(_("photo"), upload_to="budgeting/proposals/%Y/%m/", null=True, blank=True)
    author = models.ForeignKey(Participant, models.SET_NULL, null=True, blank=True, related_name="+")
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.ONLINE)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(_("proposed"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["author"])

    class Meta:
        ordering = ["budget", "code"]
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        constraints = [models.UniqueConstraint(fields=["budget", "code"], name="one_code_per_budget")]
        indexes = [models.Index(fields=["budget", "status"])]

    def __str__(self) -> str:
        return f"{self.code} {self.title}"

    @property
    def ballot_cost(self) -> int:
        return self.cost if self.cost is not None else self.estimated_cost


class Voter(models.Model):
    """Who took part in a budget's vote (never what she chose): one per participant, for one-person-one-ballot."""

    budget = models.ForeignKey(Budget, models.CASCADE, related_name="voters")
    participant = models.ForeignKey(Participant, models.PROTECT, related_name="+")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.ONLINE)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+")
    voted_on = models.DateField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["budget", "participant"], name="one_ballot_per_participant")]


class Ballot(models.Model):
    """What one voter chose, with no link to her but a keyed hash; her group is copied for totals only."""

    key = models.CharField(primary_key=True, max_length=64)
    budget = models.ForeignKey(Budget, models.CASCADE, related_name="ballots")
    district = models.ForeignKey("layers.District", models.SET_NULL, null=True, blank=True, related_name="+")
    gender = models.CharField(max_length=10, choices=Gender.choices, blank=True)
    age_band = models.CharField(max_length=10, choices=AgeBand.choices, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.ONLINE)
    # Proposal ids, and for a cumulative ballot imported from Pabulib the points given to each.
    proposals = ArrayField(models.BigIntegerField())
    points = ArrayField(models.PositiveIntegerField(), null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["budget"])]


class Outcome(models.Model):
    """A proposal's place in the last count: its support, whether it won and why (for the explanation page)."""

    class Reason(models.TextChoices):
        SELECTED = "selected", _("Selected")
        DID_NOT_FIT = "did_not_fit", _("Did not fit in the money left")
        SUPPORTERS_RAN_OUT = "supporters_ran_out", _("Its supporters' shares could not pay for it")
        SELECTED_IN_COMPLETION = "selected_in_completion", _("Selected with the money left at the end")
        NO_VOTES = "no_votes", _("No votes")

    proposal = models.OneToOneField(Proposal, models.CASCADE, related_name="outcome")
    support = models.BigIntegerField(_("votes"))
    selected = models.BooleanField(_("selected"))
    reason = models.CharField(max_length=24, choices=Reason.choices)
    rank = models.PositiveIntegerField(_("order considered"), null=True)
    money_left = models.BigIntegerField(_("money left when considered"), null=True)
    price_per_supporter = models.FloatField(null=True)


class TrackedProject(models.Model):
    """A winning project as the municipality builds it; a parent's progress rolls up from its parts."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        STUDY = "study", _("Design and studies")
        TENDER = "tender", _("Tender")
        WORKS = "works", _("Works in progress")
        COMPLETED = "completed", _("Completed")
        SUSPENDED = "suspended", _("Suspended")
        CANCELLED = "cancelled", _("Cancelled")

    budget = models.ForeignKey(Budget, models.CASCADE, related_name="tracked_projects")
    proposal = models.OneToOneField(Proposal, models.PROTECT, null=True, blank=True, related_name="tracked")
    parent = models.ForeignKey("self", models.CASCADE, null=True, blank=True, related_name="parts")
    title = models.CharField(_("title"), max_length=200)
    location = models.GeometryField(_("place"), srid=SRID, null=True, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PLANNED)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0, validators=[MaxValueValidator(100)])
    amount_budgeted = models.PositiveBigIntegerField(_("amount budgeted"))
    amount_spent = models.PositiveBigIntegerField(_("amount spent"), default=0)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["budget", "title"]
        verbose_name = _("tracked project")
        verbose_name_plural = _("tracked projects")

    def __str__(self) -> str:
        return self.title


class Milestone(models.Model):
    project = models.ForeignKey(TrackedProject, models.CASCADE, related_name="milestones")
    title = models.CharField(_("milestone"), max_length=200)
    planned_on = models.DateField(_("planned for"))
    done_on = models.DateField(_("done on"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    photo = models.ImageField(_("photo"), upload_to="budgeting/milestones/%Y/%m/", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["planned_on", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self) -> str:
        return self.title


class ProjectFollower(models.Model):
    project = models.ForeignKey(TrackedProject, models.CASCADE, related_name="followers")
    participant = models.ForeignKey(Participant, models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["project", "participant"], name="follow_once")]
