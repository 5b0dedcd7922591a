from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ComplaintsConfig(AppConfig):
    name = "gisportal.complaints"
    label = "complaints"
    verbose_name = _("Citizen reports")

    def ready(self) -> None:
        from gisportal import spaces
        from gisportal.complaints import space

        spaces.register(space.space)
