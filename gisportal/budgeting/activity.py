"""What a participant did in participatory budgets, for her own page (nobody else sees it)."""

from datetime import datetime, time

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gisportal.budgeting.models import ProjectFollower, Proposal, Voter
from gisportal.participants.activity import Activity
from gisportal.participants.models import Participant


def _url(name: str, budget, **kwargs) -> str:  # type: ignore[no-untyped-def]
    return reverse(f"budgeting:{name}", kwargs={"code": budget.municipality.code, "year": budget.year, **kwargs})


def of(participant: Participant) -> list[Activity]:
    items = [
        Activity(
            timezone.make_aware(datetime.combine(voter.voted_on, time(12))),
            _("You voted in %(budget)s") % {"budget": voter.budget},
            _url("vote", voter.budget),
        )
        for voter in Voter.objects.filter(participant=participant).select_related("budget__municipality")
    ]
    items += [
        Activity(
            proposal.created_at,
            _("You proposed %(title)s (%(status)s)")
            % {"title": proposal.title, "status": proposal.get_status_display()},
            _url("proposal", proposal.budget, proposal_code=proposal.code),
        )
        for proposal in Proposal.objects.filter(author=participant).select_related("budget__municipality")
    ]
    items += [
        Activity(
            follow.project.updated_at,
            _("You follow %(title)s: %(progress)s%% done")
            % {"title": follow.project.title, "progress": follow.project.progress},
            _url("project", follow.project.budget, pk=follow.project.pk),
        )
        for follow in ProjectFollower.objects.filter(participant=participant).select_related(
            "project__budget__municipality"
        )
    ]
    return items
