"""Staff pages of participatory budgets, scoped and kept in history like the layers (`layers.admin.LayerAdmin`).

Ballots and voters have no admin: nobody, staff included, reads who voted or what one voter chose.
"""

import itertools
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from gisportal.budgeting import notifications, services
from gisportal.budgeting.models import Budget, Envelope, Milestone, Phase, Proposal, TrackedProject
from layers import selectors
from layers.admin import LayerAdmin, LayerForm
from layers.models import District


class PhaseFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        phases = sorted(
            (f.cleaned_data for f in self.forms if f.cleaned_data and not f.cleaned_data.get("DELETE")),
            key=lambda data: list(Phase.Kind.values).index(data["kind"]),
        )
        for earlier, later in itertools.pairwise(phases):
            if later["starts_on"] <= earlier["ends_on"]:
                raise forms.ValidationError(
                    _("The %(later)s phase must start after the %(earlier)s phase ends.")
                    % {"later": Phase.Kind(later["kind"]).label, "earlier": Phase.Kind(earlier["kind"]).label}
                )


class PhaseInline(admin.TabularInline):
    model = Phase
    formset = PhaseFormSet
    extra = 0


class EnvelopeInline(admin.TabularInline):
    model = Envelope
    extra = 0

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        if db_field.name == "district":
            kwargs["queryset"] = selectors.visible(District, request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Budget)
class BudgetAdmin(LayerAdmin):
    list_display = ("title", "municipality", "year", "method", "rule", "results_published_at")
    list_filter = ("year", "method", "rule")
    search_fields = ("title", "municipality__name_fr", "municipality__code")
    readonly_fields = ("results_published_at",)
    inlines = (PhaseInline, EnvelopeInline)
    actions = ("publish_results",)

    @admin.action(description=_("Count the votes and publish the results"))
    def publish_results(self, request: HttpRequest, queryset: QuerySet[Budget]) -> None:
        for budget in queryset:
            services.publish_results(budget=budget)
        self.message_user(request, _("Results counted and published."), messages.SUCCESS)


class ProposalForm(LayerForm):
    class Meta:
        model = Proposal
        fields = (
            "budget", "title", "description", "category", "location", "estimated_cost", "photo",
            "status", "cost", "review_note", "merged_into",
        )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") == Proposal.Status.UNFEASIBLE and not (data.get("review_note") or "").strip():
            self.add_error("review_note", _("Say why the proposal is not feasible."))
        if data.get("status") == Proposal.Status.FEASIBLE and not data.get("cost"):
            self.add_error("cost", _("Give the municipality's cost estimate."))
        if self.instance.pk is None and not data.get("location"):
            self.add_error("location", _("Show where the project would be."))
        if data.get("status") == Proposal.Status.MERGED and not data.get("merged_into"):
            self.add_error("merged_into", _("Say which proposal it was merged into."))
        return data


@admin.register(Proposal)
class ProposalAdmin(LayerAdmin):
    """The feasibility review: status, cost and public note; a paper proposal is added here too."""

    form = ProposalForm
    list_display = ("code", "title", "budget", "district", "category", "estimated_cost", "cost", "status", "source")
    list_filter = ("status", "category", "source", "budget")
    search_fields = ("code", "title", "description")
    readonly_fields = ("code", "envelope", "district", "source", "created_at")
    actions = ("merge",)

    def save_model(self, request: HttpRequest, obj: Proposal, form: Any, change: bool) -> None:
        if change:
            super().save_model(request, obj, form, change)
            return
        # A paper proposal: placed, numbered and checked as an online one.
        form.instance = services.submit_proposal(
            budget=obj.budget,
            title=obj.title,
            description=obj.description,
            category=obj.category,
            location=obj.location,  # type: ignore[arg-type]  # required by the form when adding
            estimated_cost=obj.estimated_cost,
            staff=request.user,  # type: ignore[arg-type]
            photo=form.cleaned_data.get("photo"),
        )
        obj.pk = form.instance.pk

    @admin.action(description=_("Merge the selected proposals into the first of them"))
    def merge(self, request: HttpRequest, queryset: QuerySet[Proposal]) -> None:
        first, *others = list(queryset.order_by("created_at", "pk"))
        services.merge_proposals(into=first, others=others, staff=request.user)  # type: ignore[arg-type]
        self.message_user(
            request,
            ngettext("%(n)d proposal merged into %(code)s.", "%(n)d proposals merged into %(code)s.", len(others))
            % {"n": len(others), "code": first.code},
        )


class MilestoneInline(admin.StackedInline):
    model = Milestone
    extra = 0


@admin.register(TrackedProject)
class TrackedProjectAdmin(LayerAdmin):
    list_display = ("title", "budget", "status", "progress", "amount_budgeted", "amount_spent", "updated_at")
    list_filter = ("status", "budget")
    search_fields = ("title",)
    inlines = (MilestoneInline,)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if change:
            notifications.project_changed(form.instance, "")
