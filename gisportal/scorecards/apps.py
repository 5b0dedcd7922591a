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
        from gisportal.api import analyses as analyst_api
        from gisportal.scorecards import analyses, open_data, space

        open_data_page.LISTINGS.append(open_data.listings)
        for analysis in analyses.ANALYSES:
            analyst_api.ANALYSES.setdefault(analysis.name, analysis)
        spaces.register(space.space)
