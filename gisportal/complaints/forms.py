"""Forms of the staff pages (the citizen forms are in public_forms.py)."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gisportal.complaints import selectors, workflow
from gisportal.complaints.models import ResponseTemplate
from gisportal.complaints.public_forms import TYPED
from layers.models import Complaint, District, Municipality
from layers.templatetags.place_names import local_name


class PlaceChoiceField(forms.ModelChoiceField):
    """Municipalities and districts named in the page's language."""

    def label_from_instance(self, obj: Any) -> str:
        return local_name(obj)


class StaffFilterForm(forms.Form):
    municipality = PlaceChoiceField(Municipality.objects.none(), required=False, label=_("Municipality"))
    district = PlaceChoiceField(District.objects.none(), required=False, label=_("District"))
    category = forms.ChoiceField(choices=[("", "—"), *Complaint.Category.choices], required=False, label=_("Category"))
    status = forms.ChoiceField(choices=[("", "—"), *Complaint.Status.choices], required=False, label=_("Status"))
    since = forms.DateField(required=False, label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(required=False, label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))
    overdue = forms.BooleanField(required=False, label=_("Overdue only"))
    q = forms.CharField(required=False, max_length=100, label=_("Code or text"), widget=forms.TextInput(TYPED))

    def __init__(self, *args: Any, municipalities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["municipality"].queryset = municipalities  # type: ignore[attr-defined]
        self.fields["district"].queryset = District.objects.filter(municipality__in=municipalities)  # type: ignore[attr-defined]

    def filters(self) -> selectors.StaffFilters:
        data = self.cleaned_data
        return selectors.StaffFilters(
            municipality=data["municipality"].pk if data.get("municipality") else None,
            district=data["district"].pk if data.get("district") else None,
            category=data.get("category") or "",
            status=data.get("status") or "",
            since=data.get("since"),
            until=data.get("until"),
            overdue=bool(data.get("overdue")),
            search=data.get("q") or "",
        )


class StatusForm(forms.Form):
    status = forms.ChoiceField(label=_("New status"))
    template = forms.ModelChoiceField(ResponseTemplate.objects.none(), required=False, label=_("Response template"))
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3, **TYPED}), label=_("Note")
    )
    public = forms.BooleanField(required=False, initial=True, label=_("Public note (the reporter sees it)"))
    duplicate_of = forms.CharField(required=False, max_length=12, label=_("Duplicate of (tracking code)"))

    def __init__(self, *args: Any, complaint: Complaint, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Complaint.Status.choices)
        self.fields["status"].choices = [(s, labels[s]) for s in workflow.next_statuses(complaint.status)]  # type: ignore[attr-defined]
        self.fields["template"].queryset = selectors.response_templates(complaint)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Without JavaScript, the chosen template is the note.
        if not data.get("note") and data.get("template"):
            data["note"] = data["template"].text
        return data


class NoteForm(forms.Form):
    note = forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 2, **TYPED}), label=_("Note"))
    public = forms.BooleanField(required=False, label=_("Public note (the reporter sees it)"))


class AssignForm(forms.Form):
    assignee = forms.ModelChoiceField(Complaint.objects.none(), required=False, label=_("Assigned to"))

    def __init__(self, *args: Any, complaint: Complaint, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = selectors.assignable_staff(complaint)  # type: ignore[attr-defined]


class PriorityForm(forms.Form):
    priority = forms.TypedChoiceField(choices=Complaint.Priority.choices, coerce=int, label=_("Priority"))


class ModerationForm(forms.Form):
    hidden = forms.BooleanField(required=False, label=_("Hidden from the public"))
    description = forms.CharField(
        max_length=2000, widget=forms.Textarea(attrs={"rows": 3, **TYPED}), label=_("Public text (redact here)")
    )


class TriageForm(forms.Form):
    """Everything staff change on a report, in one form with one Save: only what changed is applied."""

    status = forms.ChoiceField(required=False, label=_("New status"))
    template = forms.ModelChoiceField(ResponseTemplate.objects.none(), required=False, label=_("Response template"))
    duplicate_of = forms.CharField(required=False, max_length=12, label=_("Duplicate of (tracking code)"))
    note = forms.CharField(
        required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3, **TYPED}), label=_("Note")
    )
    public = forms.BooleanField(required=False, label=_("Public note (the reporter sees it)"))
    assignee = forms.ModelChoiceField(Complaint.objects.none(), required=False, label=_("Assigned to"))
    priority = forms.TypedChoiceField(choices=Complaint.Priority.choices, coerce=int, label=_("Priority"))
    hidden = forms.BooleanField(required=False, label=_("Hidden from the public"))
    description = forms.CharField(
        max_length=2000, widget=forms.Textarea(attrs={"rows": 3, **TYPED}), label=_("Public text (redact here)")
    )

    def __init__(self, *args: Any, complaint: Complaint, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "public": True,
                "assignee": complaint.assignee_id,
                "priority": complaint.priority,
                "hidden": complaint.is_hidden,
                "description": complaint.description,
            },
        )
        super().__init__(*args, **kwargs)
        labels = dict(Complaint.Status.choices)
        unchanged = _("unchanged (%(status)s)") % {"status": complaint.get_status_display()}
        self.fields["status"].choices = [  # type: ignore[attr-defined]
            ("", unchanged),
            *((s, labels[s]) for s in workflow.next_statuses(complaint.status)),
        ]
        self.fields["template"].queryset = selectors.response_templates(complaint)  # type: ignore[attr-defined]
        self.fields["assignee"].queryset = selectors.assignable_staff(complaint)  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("note") and data.get("template"):
            data["note"] = data["template"].text
        return data
