"""Municipal budget lines and performance scores: tables without geometry, filled by the ETL pipeline."""

from django.contrib.gis.db import models as gis_models
from django.db import models
from django.utils.translation import gettext_lazy as _

from layers.models import Municipality


class BudgetNomenclature(models.Model):
    """A line of the Tunisian municipal budget nomenclature: revenue or expense, title, article, paragraphs."""

    class Kind(models.TextChoices):
        REVENUE = "revenue", _("revenue")
        EXPENSE = "expense", _("expense")

    kind = models.CharField(_("kind"), max_length=7, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=2)  # 1 = operating, 2 = development
    article = models.CharField(_("article"), max_length=8)
    paragraph = models.CharField(_("paragraph"), max_length=4)
    sub_paragraph = models.CharField(_("sub-paragraph"), max_length=4)
    label_ar = models.CharField(_("label (Arabic)"), max_length=300)

    class Meta:
        abstract = True


class BudgetLine(BudgetNomenclature):
    """One line of a municipality's budget for a year: the amount budgeted."""

    municipality = models.ForeignKey(Municipality, models.CASCADE, related_name="budget_lines")
    year = models.PositiveSmallIntegerField(_("year"))
    # Millimes (TND/1000), as the budget documents count them: exact integers, no rounding.
    amount = models.BigIntegerField(_("amount (millimes)"))

    class Meta:
        ordering = ["municipality", "year", "kind", "title", "article", "paragraph", "sub_paragraph"]
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year", "kind", "title", "article", "paragraph", "sub_paragraph"],
                name="scorecards_budget_line_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.kind} {self.article}-{self.paragraph}-{self.sub_paragraph}"


class BudgetExecution(BudgetNomenclature):
    """What a municipality has spent or collected on one budget line from January to the end of a month."""

    municipality = models.ForeignKey(Municipality, models.CASCADE, related_name="budget_executions")
    year = models.PositiveSmallIntegerField(_("year"))
    month = models.PositiveSmallIntegerField(_("month"))
    # Cumulative, as the monthly execution statements count it; millimes like the budget.
    amount = models.BigIntegerField(_("amount executed to the end of the month (millimes)"))

    class Meta:
        ordering = ["municipality", "year", "month", "kind", "title", "article", "paragraph", "sub_paragraph"]
        verbose_name = _("budget execution")
        verbose_name_plural = _("budget executions")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "year", "month", "kind", "title", "article", "paragraph", "sub_paragraph"],
                name="scorecards_budget_execution_unique",
            ),
            models.CheckConstraint(condition=models.Q(month__range=(1, 12)), name="scorecards_budget_execution_month"),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02} {self.kind} {self.article}-{self.paragraph}-{self.sub_paragraph}"


class PerformanceCriterion(models.Model):
    """A criterion of the national municipal performance evaluation (domain, subdomain or criterion)."""

    class Level(models.TextChoices):
        DOMAIN = "domain", _("domain")
        SUBDOMAIN = "subdomain", _("subdomain")
        CRITERION = "criterion", _("criterion")

    code = models.CharField(_("code"), max_length=10, unique=True)
    name_ar = models.CharField(_("name (Arabic)"), max_length=300)
    name_fr = models.CharField(_("name (French)"), max_length=300)
    max_score = models.FloatField(_("maximum score"))
    level = models.CharField(_("level"), max_length=9, choices=Level.choices)

    class Meta:
        ordering = ["code"]
        verbose_name = _("performance criterion")
        verbose_name_plural = _("performance criteria")

    def __str__(self) -> str:
        return self.name_fr


class PerformanceScore(models.Model):
    """A municipality's score on one criterion in one year's evaluation."""

    municipality = models.ForeignKey(Municipality, models.CASCADE, related_name="performance_scores")
    year = models.PositiveSmallIntegerField(_("year"))
    criterion = models.ForeignKey(PerformanceCriterion, models.PROTECT, related_name="scores")
    score = models.FloatField(_("score"))
    max_score = models.FloatField(_("maximum score"))

    class Meta:
        ordering = ["municipality", "year", "criterion"]
        verbose_name = _("performance score")
        verbose_name_plural = _("performance scores")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "year", "criterion"], name="scorecards_score_unique")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.criterion_id}: {self.score}/{self.max_score}"


class LegacyMunicipality(models.Model):
    """A pre-2016 municipality id (OpenBaladiati's 5-digit ids, e.g. 34012) and the current municipality it is now.

    Older budget files are named by these ids; the current municipality is the one holding the town centre.
    """

    legacy_id = models.CharField(_("former id"), max_length=5, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_ar = models.CharField(_("name (Arabic)"), max_length=100, blank=True)
    governorate_name = models.CharField(_("governorate"), max_length=100, blank=True)
    centre = gis_models.PointField(_("town centre"), srid=4326)
    municipality = models.ForeignKey(Municipality, models.CASCADE, related_name="legacy_ids")

    class Meta:
        ordering = ["legacy_id"]
        verbose_name = _("former municipality id")
        verbose_name_plural = _("former municipality ids")

    def __str__(self) -> str:
        return f"{self.legacy_id} {self.name}"
