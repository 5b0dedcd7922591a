from django import forms
from django.utils.translation import gettext_lazy as _

from gisportal.council.models import AgendaItem, Document, Meeting


class QuestionForm(forms.Form):
    text = forms.CharField(
        label=_("Your question to the council"),
        min_length=10,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 5, "dir": "auto", "maxlength": 1000}),
        help_text=_("It is published once a moderator has read it. Your name and contact are never shown."),
    )
    agenda_item = forms.ModelChoiceField(
        label=_("About the agenda item"),
        queryset=AgendaItem.objects.none(),
        required=False,
        empty_label=_("The meeting in general"),
    )
    website = forms.CharField(required=False, widget=forms.HiddenInput)  # honeypot: people never fill it

    def __init__(self, *args: object, meeting: Meeting, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["agenda_item"].queryset = meeting.agenda.all()  # type: ignore[attr-defined]


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M")


class MeetingForm(forms.ModelForm):
    stream_url = forms.URLField(label=_("Live stream or recording"), required=False, assume_scheme="https")

    class Meta:
        model = Meeting
        fields = ("title", "kind", "starts_at", "ends_at", "place", "stream_url")
        widgets = {"starts_at": DateTimeInput(), "ends_at": DateTimeInput()}

    def clean(self) -> dict:
        data = super().clean() or {}
        if data.get("starts_at") and data.get("ends_at") and data["ends_at"] <= data["starts_at"]:
            self.add_error("ends_at", _("A meeting must end after it starts."))
        return data


class AgendaItemForm(forms.Form):
    title = forms.CharField(label=_("Agenda item"), max_length=300)
    description = forms.CharField(label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DocumentForm(forms.Form):
    title = forms.CharField(label=_("Document title"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Document.Kind.choices)
    file = forms.FileField(label=_("File (PDF or photo, at most 20 MB)"))


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Why it is not published"), max_length=500)


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("The council's answer"), widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}))


class MinutesForm(forms.Form):
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 12, "dir": "auto"}))


class CancelForm(forms.Form):
    reason = forms.CharField(label=_("Why the meeting is cancelled"), max_length=500)
