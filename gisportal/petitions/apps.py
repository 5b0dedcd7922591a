from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PetitionsConfig(AppConfig):
    name = "gisportal.petitions"
    verbose_name = _("Petitions")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from etl import open_data as open_data_page
        from gisportal import spaces
        from gisportal.participants import activity as participant_activity
        from gisportal.petitions import activity, models, open_data, space
        from layers import selectors

        # Staff see and act on a petition, and the administrator its thresholds, by municipality, as the layers.
        selectors.register_municipal(models.Petition, "municipality")
        selectors.register_municipal(models.Threshold, "municipality")
        participant_activity.register(activity.of)
        open_data_page.LISTINGS.append(open_data.listings)
        spaces.register(space.space, space.open_everywhere)
