from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CouncilConfig(AppConfig):
    name = "gisportal.council"
    verbose_name = _("Council meetings")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from etl import open_data as open_data_page
        from gisportal import spaces
        from gisportal.council import activity, models, open_data, space
        from gisportal.participants import activity as participant_activity
        from layers import selectors

        # Staff see and edit a meeting and everything in it by its municipality, as the layers.
        selectors.register_municipal(models.Meeting, "municipality")
        for model in (models.AgendaItem, models.Document, models.Question):
            selectors.register_municipal(model, "meeting__municipality")
        participant_activity.register(activity.of)
        open_data_page.LISTINGS.append(open_data.listings)
        spaces.register(space.space, space.open_everywhere)
