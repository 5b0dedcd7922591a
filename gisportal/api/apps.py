from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "gisportal.api"
    label = "api"
    verbose_name = _("Analyst API")

    def ready(self) -> None:
        from gisportal.api import signals

        signals.connect()
