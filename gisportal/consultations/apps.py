from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConsultationsConfig(AppConfig):
    name = "gisportal.consultations"
    verbose_name = _("Consultations")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from etl import open_data as open_data_page
        from gisportal import spaces
        from gisportal.consultations import activity, models, open_data, space
        from gisportal.participants import activity as participant_activity
        from layers import selectors

        # Staff see and change a consultation and everything in it by its municipality, as the layers.
        selectors.register_municipal(models.Consultation, "municipality")
        for model in (models.Section, models.Comment, models.Question):
            selectors.register_municipal(model, "consultation__municipality")
        selectors.register_municipal(models.Choice, "question__consultation__municipality")
        participant_activity.register(activity.of)
        open_data_page.LISTINGS.append(open_data.listings)
        spaces.register(space.space, space.open_everywhere)
