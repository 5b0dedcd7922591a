from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PLANNER = "planner", _("Municipal planner")
    ANALYST = "analyst", _("Analyst")
    ADMINISTRATOR = "administrator", _("Administrator")


class StaffProfile(models.Model):
    """What a staff account may do, and for which municipalities. Citizens have no account."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="staff_profile")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    municipalities = models.ManyToManyField(
        "layers.Municipality",
        blank=True,
        related_name="staff",
        help_text=_("A planner sees and edits only these municipalities' layers."),
    )

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()})"


class StaffAction(models.Model):
    """One write a staff account asked for (admin, REST, OGC, staff pages, imports), whatever its outcome.

    What changed is in each model's history; this says who knocked at which door, from where, and what came of it.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("user"))
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    method = models.CharField(_("method"), max_length=10)
    path = models.CharField(_("address"), max_length=500)
    status = models.PositiveSmallIntegerField(_("answer"))

    class Meta:
        verbose_name = _("staff action")
        verbose_name_plural = _("staff actions")
        ordering = ["-at"]
        indexes = [models.Index(fields=["user", "-at"])]

    def __str__(self) -> str:
        return f"{self.user} {self.method} {self.path} → {self.status}"
