from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoutingConfig(AppConfig):
    name = "gisportal.routing"
    verbose_name = _("Collection route optimisation")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from gisportal.routing import models
        from layers import selectors

        # A planner sees and runs optimisations of her own municipalities only, as the layers.
        selectors.register_municipal(models.OptimisationRun, "municipality")
        selectors.register_municipal(models.RoadNetwork, "municipality")
