"""The citizen's forms: where, what (with the category's questions), who (optional), and the follow-ups."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gisportal.complaints.models import ServiceCategory, ServiceQuestion
from gisportal.complaints.services import MAX_CONTACT, MAX_DESCRIPTION, MAX_NAME

QUESTION_PREFIX = "q_"
# What people type takes the direction of its own first letters (French in an Arabic page, and back).
TYPED = {"dir": "auto"}


class PlaceForm(forms.Form):
    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90)
    lon = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180)


class ReportForm(forms.Form):
    lat = forms.FloatField(widget=forms.HiddenInput, min_value=-90, max_value=90)
    lon = forms.FloatField(widget=forms.HiddenInput, min_value=-180, max_value=180)
    category = forms.CharField(widget=forms.HiddenInput, max_length=20)
    description = forms.CharField(
        label=_("What is the problem?"),
        max_length=MAX_DESCRIPTION,
        min_length=5,
        widget=forms.Textarea(attrs={"rows": 4, **TYPED}),
    )
    reporter_name = forms.CharField(
        label=_("Your name (optional)"), max_length=MAX_NAME, required=False, widget=forms.TextInput(TYPED)
    )
    reporter_contact = forms.CharField(
        label=_("E-mail or phone (optional, never published)"),
        max_length=MAX_CONTACT,
        required=False,
        widget=forms.TextInput(TYPED),
    )
    # Left empty by people; robots fill every field.
    website = forms.CharField(required=False, max_length=200, label=_("Leave this empty"))

    def __init__(self, *args: Any, category: ServiceCategory | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.questions: list[ServiceQuestion] = list(category.questions.all()) if category else []
        for question in self.questions:
            self.fields[QUESTION_PREFIX + question.code] = _question_field(question)

    def answers(self) -> dict[str, Any]:
        return {q.code: self.cleaned_data.get(QUESTION_PREFIX + q.code) for q in self.questions}


def _question_field(question: ServiceQuestion) -> forms.Field:
    Datatype = ServiceQuestion.Datatype
    common: dict[str, Any] = {"label": question.label, "required": question.required}
    choices = question.choices
    if question.datatype == Datatype.SINGLE:
        return forms.ChoiceField(choices=[("", "—"), *choices], **common)
    if question.datatype == Datatype.MULTI:
        return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
    if question.datatype == Datatype.NUMBER:
        return forms.FloatField(**common)
    if question.datatype == Datatype.TEXT:
        return forms.CharField(max_length=500, widget=forms.Textarea(attrs={"rows": 2, **TYPED}), **common)
    return forms.CharField(max_length=500, widget=forms.TextInput(TYPED), **common)


class FollowForm(forms.Form):
    contact = forms.CharField(
        label=_("E-mail or phone (optional)"), max_length=MAX_CONTACT, required=False, widget=forms.TextInput(TYPED)
    )


class ReopenForm(forms.Form):
    note = forms.CharField(
        label=_("What is still wrong?"),
        min_length=5,
        max_length=MAX_DESCRIPTION,
        widget=forms.Textarea(attrs={"rows": 3, **TYPED}),
    )


class SatisfactionForm(forms.Form):
    satisfied = forms.TypedChoiceField(
        label=_("Are you satisfied with how your report was handled?"),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment (optional)"), max_length=500, required=False, widget=forms.TextInput(TYPED)
    )
