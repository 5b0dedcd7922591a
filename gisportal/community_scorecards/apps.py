from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityScorecardsConfig(AppConfig):
    name = "gisportal.community_scorecards"
    label = "community_scorecards"
    verbose_name = _("Community score cards")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from etl import open_data as open_data_page
        from gisportal import spaces
        from gisportal.community_scorecards import activity, models, open_data, space
        from gisportal.participants import activity as participant_activity
        from layers import selectors

        # Staff see and edit a cycle and everything in it by its municipality, as the layers.
        selectors.register_municipal(models.Cycle, "municipality")
        for model in (models.Phase, models.InputIndicator, models.Indicator, models.FocusGroup, models.ActionItem):
            selectors.register_municipal(model, "cycle__municipality")
        selectors.register_municipal(models.ActionUpdate, "action__cycle__municipality")
        participant_activity.register(activity.of)
        open_data_page.LISTINGS.append(open_data.listings)
        spaces.register(space.space, space.open_everywhere)
