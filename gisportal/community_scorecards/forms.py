"""Forms of score cards: plain HTML forms, usable without JavaScript."""

from django import forms
from django.utils.translation import gettext_lazy as _

from gisportal.community_scorecards.models import ActionItem, Cycle, FocusGroup, Indicator, Phase
from layers.models import District, ServicePoint
from layers.templatetags.place_names import local_name

SCORE_CHOICES = [
    (1, _("1 — very bad")),
    (2, _("2 — bad")),
    (3, _("3 — fair")),
    (4, _("4 — good")),
    (5, _("5 — very good")),
]


def date_field(label: object, **kwargs: object) -> forms.DateField:
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **kwargs)  # type: ignore[arg-type]


class DistrictField(forms.ModelChoiceField):
    def label_from_instance(self, obj: District) -> str:  # type: ignore[override]
        return local_name(obj)


def score_fields(form: forms.Form, indicators: list[Indicator], *, widget: type = forms.RadioSelect) -> None:
    """A score, a reason and a suggestion for each indicator, named after the indicator's id."""
    for indicator in indicators:
        # A drop-down starts on no score, never on 1: an indicator left alone is not scored.
        choices = SCORE_CHOICES if widget is forms.RadioSelect else [("", "—"), *SCORE_CHOICES]
        form.fields[f"score-{indicator.pk}"] = forms.TypedChoiceField(
            label=indicator.name, choices=choices, coerce=int, required=False, empty_value=None, widget=widget
        )
        form.fields[f"reason-{indicator.pk}"] = forms.CharField(
            label=_("Why this score?"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
        )
        form.fields[f"suggestion-{indicator.pk}"] = forms.CharField(
            label=_("What would make it better?"),
            max_length=1000,
            required=False,
            widget=forms.Textarea(attrs={"rows": 2}),
        )


class OnlineScoreForm(forms.Form):
    website = forms.CharField(required=False, widget=forms.HiddenInput)  # honeypot: people never fill it

    def __init__(self, *args: object, indicators: list[Indicator], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.indicators = indicators
        score_fields(self, indicators)

    def rows(self) -> list[tuple[Indicator, forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [(i, self[f"score-{i.pk}"], self[f"reason-{i.pk}"], self[f"suggestion-{i.pk}"]) for i in self.indicators]


class CycleForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    service = forms.ChoiceField(label=_("Service"), choices=Cycle._meta.get_field("service").choices)  # type: ignore[arg-type]
    subject = forms.ChoiceField(label=_("Scored"), choices=Cycle.Subject.choices)
    facility = forms.ModelChoiceField(label=_("Facility"), queryset=ServicePoint.objects.none(), required=False)
    district = DistrictField(label=_("District"), queryset=District.objects.none(), required=False)
    provider = forms.CharField(label=_("Service provider"), max_length=200)

    def __init__(self, *args: object, municipality_id: int, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["facility"].queryset = ServicePoint.objects.filter(municipality_id=municipality_id).order_by(  # type: ignore[attr-defined]
            "kind", "name"
        )
        self.fields["district"].queryset = District.objects.filter(municipality_id=municipality_id).order_by("name")  # type: ignore[attr-defined]
        for kind, label in Phase.Kind.choices:
            self.fields[f"{kind}-starts"] = date_field(_("%(phase)s from") % {"phase": label})
            self.fields[f"{kind}-ends"] = date_field(_("%(phase)s to") % {"phase": label})


class InputForm(forms.Form):
    name = forms.CharField(label=_("Input"), max_length=200, help_text=_("e.g. collection trucks in working order"))
    value = forms.DecimalField(label=_("Value"), max_digits=16, decimal_places=2, min_value=0)
    planned = forms.DecimalField(
        label=_("Planned or entitled"), max_digits=16, decimal_places=2, min_value=0, required=False
    )
    unit = forms.CharField(label=_("Unit"), max_length=40)
    source = forms.CharField(label=_("Source"), max_length=200)


class IndicatorForm(forms.Form):
    name = forms.CharField(label=_("Performance indicator"), max_length=200)


class FocusGroupForm(forms.Form):
    kind = forms.ChoiceField(label=_("Group"), choices=FocusGroup.Kind.choices)
    district = DistrictField(label=_("District"), queryset=District.objects.none(), required=False)
    size = forms.IntegerField(label=_("People in the group"), min_value=1, max_value=500)
    met_on = date_field(_("Met on"))
    place = forms.CharField(label=_("Place"), max_length=200)

    def __init__(self, *args: object, municipality_id: int, indicators: list[Indicator], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["district"].queryset = District.objects.filter(municipality_id=municipality_id).order_by("name")  # type: ignore[attr-defined]
        self.indicators = indicators
        score_fields(self, indicators, widget=forms.Select)

    def rows(self) -> list[tuple[Indicator, forms.BoundField, forms.BoundField, forms.BoundField]]:
        return [(i, self[f"score-{i.pk}"], self[f"reason-{i.pk}"], self[f"suggestion-{i.pk}"]) for i in self.indicators]


class SelfEvaluationForm(forms.Form):
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=Indicator.objects.none())
    score = forms.TypedChoiceField(label=_("Score"), choices=[("", "—"), *SCORE_CHOICES], coerce=int)
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    suggestion = forms.CharField(
        label=_("Suggestion"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: object, cycle: Cycle, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["indicator"].queryset = cycle.indicators.all()  # type: ignore[attr-defined]


class ActionForm(forms.Form):
    what = forms.CharField(label=_("What"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    who = forms.CharField(label=_("Who (office or body)"), max_length=200)
    due_on = date_field(_("By when"))
    agreed_on = date_field(_("Agreed on"))
    indicator = forms.ModelChoiceField(label=_("Indicator"), queryset=Indicator.objects.none(), required=False)

    def __init__(self, *args: object, cycle: Cycle, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["indicator"].queryset = cycle.indicators.all()  # type: ignore[attr-defined]


class ActionUpdateForm(forms.Form):
    action = forms.ModelChoiceField(label=_("Action"), queryset=ActionItem.objects.none())
    status = forms.ChoiceField(label=_("Status"), choices=ActionItem.Status.choices)
    on = date_field(_("Date"))
    note = forms.CharField(label=_("What happened"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: object, cycle: Cycle, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["action"].queryset = cycle.actions.all()  # type: ignore[attr-defined]
