from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScorecardsConfig(AppConfig):
    name = "gisportal.scorecards"
    label = "scorecards"
    verbose_name = _("Budgets and scorecards")
    default_auto_field = "django.db.models.BigAutoField"
