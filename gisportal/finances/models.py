"""What the municipality says about its own expense lines: the service each serves and whether it serves women and
girls in particular. The lines themselves (amounts, labels) are the scorecards app's, filled by the ETL pipeline."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from layers.models import Municipality


class Function(models.TextChoices):
    """The services a citizen recognises, for "where does a dinar go"."""

    WASTE = "waste", _("Waste and cleanliness")
    ROADS = "roads", _("Roads and traffic")
    LIGHTING = "lighting", _("Public lighting")
    GREEN = "green", _("Parks and green spaces")
    HEALTH = "health", _("Health and hygiene")
    SOCIAL = "social", _("Social aid")
    CULTURE = "culture", _("Culture and festivals")
    YOUTH = "youth", _("Youth and sport")
    EDUCATION = "education", _("Education and training")
    PLANNING = "planning", _("Urban planning")
    ADMINISTRATION = "administration", _("Administration")
    STAFF = "staff", _("Staff pay (every service)")
    DEBT = "debt", _("Debt")
    OTHER = "other", _("Other and unallocated")


class LineTag(models.Model):
    """One expense line of one municipality's budget (every year it appears), tagged by its staff."""

    municipality = models.ForeignKey(
        Municipality, models.CASCADE, related_name="budget_line_tags", verbose_name=_("municipality")
    )
    # The nomenclature key of the line, as in scorecards.BudgetLine (kind is always "expense").
    title = models.CharField(_("title"), max_length=2)
    article = models.CharField(_("article"), max_length=8)
    paragraph = models.CharField(_("paragraph"), max_length=4)
    sub_paragraph = models.CharField(_("sub-paragraph"), max_length=4)
    label_ar = models.CharField(_("label (Arabic)"), max_length=300, blank=True)
    function = models.CharField(_("function"), max_length=16, choices=Function.choices)
    gender_sensitive = models.BooleanField(
        _("serves women and girls in particular"),
        default=False,
        help_text=_("A gender-sensitive line: its spending serves women and girls in particular."),
    )
    from_rule = models.BooleanField(
        _("set by the default rule"),
        default=False,
        help_text=_("Set from the nomenclature by the portal, not yet checked by the municipality's staff."),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["municipality", "title", "article", "paragraph", "sub_paragraph"]
        verbose_name = _("budget line tag")
        verbose_name_plural = _("budget line tags")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "title", "article", "paragraph", "sub_paragraph"],
                name="finances_one_tag_per_line",
            )
        ]

    def __str__(self) -> str:
        return f"{self.article}-{self.paragraph}-{self.sub_paragraph} {self.get_function_display()}"


class SyntheticBudget(models.Model):
    """A demo budget made up for a municipality that publishes none (the pilots), from a real one scaled to its
    population: shown on its own page under a warning, left out of every national figure and ranking."""

    municipality = models.OneToOneField(
        Municipality, models.CASCADE, related_name="synthetic_budget", verbose_name=_("municipality")
    )
    made_from = models.ForeignKey(Municipality, models.PROTECT, related_name="+", verbose_name=_("made from"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("synthetic demo budget")
        verbose_name_plural = _("synthetic demo budgets")

    def __str__(self) -> str:
        return f"{self.municipality} (from {self.made_from})"
