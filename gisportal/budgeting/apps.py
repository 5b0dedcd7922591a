from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BudgetingConfig(AppConfig):
    name = "gisportal.budgeting"
    verbose_name = _("Participatory budgets")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from etl import open_data as open_data_page
        from gisportal import spaces
        from gisportal.budgeting import activity, models, open_data, space
        from gisportal.participants import activity as participant_activity
        from layers import selectors

        # Staff see and edit a budget and everything in it by its municipality, as the layers.
        selectors.register_municipal(models.Budget, "municipality")
        for model in (models.Proposal, models.TrackedProject, models.Envelope, models.Phase):
            selectors.register_municipal(model, "budget__municipality")
        selectors.register_municipal(models.Milestone, "project__budget__municipality")
        participant_activity.register(activity.of)
        open_data_page.LISTINGS.append(open_data.listings)
        spaces.register(space.space, space.open_everywhere)
