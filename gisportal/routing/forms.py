from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gisportal.routing import selectors
from gisportal.routing.planning import Parameters
from layers.models import Municipality

WEEKDAYS = [
    (1, _("Monday")),
    (2, _("Tuesday")),
    (3, _("Wednesday")),
    (4, _("Thursday")),
    (5, _("Friday")),
    (6, _("Saturday")),
    (7, _("Sunday")),
]
DEFAULTS = Parameters()
# The phone's own time picker; without JavaScript or on old browsers a plain HH:MM box.
CLOCK = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class OptimisationForm(forms.Form):
    selection = forms.ChoiceField(
        label=_("Containers"),
        choices=[("all", _("All in service")), ("district", _("Those of a district")), ("overdue", _("Overdue only"))],
        widget=forms.RadioSelect,
        initial="all",
    )
    district = forms.TypedChoiceField(label=_("District"), coerce=int, required=False, empty_value=None)
    depots = forms.TypedMultipleChoiceField(
        label=_("Depots (the trucks shared out among them)"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: the middle of the municipality."),
    )
    disposals = forms.TypedMultipleChoiceField(
        label=_("Disposal sites (a full truck unloads at the nearest and carries on)"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None ticked: the trucks unload back at the depot at the end, one trip a day."),
    )
    unloading_minutes = forms.IntegerField(
        label=_("Minutes to unload at a disposal site"),
        min_value=0,
        max_value=240,
        required=False,
        initial=DEFAULTS.unloading_minutes,
    )
    trucks = forms.IntegerField(label=_("Trucks"), min_value=1, max_value=50, initial=DEFAULTS.trucks)
    crane_trucks = forms.IntegerField(
        label=_("Of which with a crane (large bins)"), min_value=0, max_value=50, initial=0
    )
    capacity = forms.IntegerField(
        label=_("Capacity of a truck (litres)"), min_value=500, max_value=100_000, initial=DEFAULTS.capacity
    )
    weight_capacity = forms.IntegerField(
        label=_("Load a truck may carry (kg)"),
        min_value=100,
        max_value=40_000,
        required=False,
        initial=DEFAULTS.weight_capacity,
    )
    default_fill = forms.IntegerField(
        label=_("Fill level of a container without a recent reading (%)"),
        min_value=1,
        max_value=100,
        required=False,
        initial=DEFAULTS.default_fill,
    )
    shift_start = forms.TimeField(label=_("Shift starts"), initial=DEFAULTS.shift_start, widget=CLOCK)
    shift_end = forms.TimeField(label=_("Shift ends"), initial=DEFAULTS.shift_end, widget=CLOCK)
    service_seconds = forms.IntegerField(
        label=_("Seconds at each container"), min_value=0, max_value=3600, initial=DEFAULTS.service_seconds
    )
    break_start = forms.TimeField(label=_("Break from"), initial=DEFAULTS.break_start, widget=CLOCK)
    break_end = forms.TimeField(label=_("Break starts by"), initial=DEFAULTS.break_end, widget=CLOCK)
    break_minutes = forms.IntegerField(
        label=_("Break (minutes, 0 for none)"), min_value=0, max_value=120, initial=DEFAULTS.break_minutes
    )
    days = forms.TypedMultipleChoiceField(
        label=_("Collection days"),
        choices=WEEKDAYS,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        initial=DEFAULTS.days,
    )
    days_from = forms.ChoiceField(
        label=_("Containers of each day"),
        choices=[
            ("containers", _("Those collected that day (the days of their routes today)")),
            ("chosen", _("Every container on every chosen day")),
        ],
        widget=forms.RadioSelect,
        required=False,
        initial=DEFAULTS.days_from,
    )
    seconds = forms.IntegerField(label=_("Time for the optimiser (s)"), min_value=1, max_value=60, initial=10)

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        self.fields["days"].initial = selectors.collection_days(municipality) or DEFAULTS.days
        district, depots, disposals = self.fields["district"], self.fields["depots"], self.fields["disposals"]
        assert isinstance(district, forms.ChoiceField) and isinstance(depots, forms.ChoiceField)
        assert isinstance(disposals, forms.ChoiceField)
        disposals.choices = [(p.pk, str(p)) for p in selectors.disposal_sites(municipality)]
        district.choices = [("", "—")] + [(d.pk, d.name) for d in selectors.districts(municipality)]
        depots.choices = [(p.pk, str(p)) for p in selectors.depots(municipality)]

    def parameters(self) -> dict[str, Any]:
        # A field left out or empty takes the run's default (Parameters.clean drops the Nones).
        data: dict[str, Any] = {k: (None if v == "" else v) for k, v in self.cleaned_data.items()}
        for clock in ("shift_start", "shift_end", "break_start", "break_end"):
            data[clock] = self.cleaned_data[clock].strftime("%H:%M")
        return data
