from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FinancesConfig(AppConfig):
    name = "gisportal.finances"
    label = "finances"
    verbose_name = _("Municipal budgets")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from etl import open_data as open_data_page
        from gisportal import spaces
        from gisportal.api import analyses as analyst_api
        from gisportal.finances import analyses, models, open_data, space
        from layers import selectors

        # A planner tags her own municipalities' lines only, as she edits their layers.
        selectors.register_municipal(models.LineTag, "municipality")
        open_data_page.LISTINGS.append(open_data.listings)
        spaces.register(space.space)
        for analysis in analyses.ANALYSES:
            analyst_api.ANALYSES.setdefault(analysis.name, analysis)
