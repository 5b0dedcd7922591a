from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ParticipantsConfig(AppConfig):
    name = "gisportal.participants"
    verbose_name = _("Participants")
    default_auto_field = "django.db.models.BigAutoField"
