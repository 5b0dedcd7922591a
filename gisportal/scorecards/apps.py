from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScorecardsConfig(AppConfig):
    name = "gisportal.scorecards"
    label = "scorecards"
    verbose_name = _("Budgets and scorecards")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from etl import open_data as open_data_page
        from gisportal import spaces
        from gisportal.scorecards import open_data, space

        open_data_page.LISTINGS.append(open_data.listings)
        spaces.register(space.space)
