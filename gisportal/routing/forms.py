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
    depot = forms.TypedChoiceField(label=_("Depot"), coerce=int, required=False, empty_value=None)
    disposal = forms.TypedChoiceField(label=_("Unload at the end"), coerce=int, required=False, empty_value=None)
    trucks = forms.IntegerField(label=_("Trucks"), min_value=1, max_value=50, initial=DEFAULTS.trucks)
    crane_trucks = forms.IntegerField(
        label=_("Of which with a crane (large bins)"), min_value=0, max_value=50, initial=0
    )
    capacity = forms.IntegerField(
        label=_("Capacity of a truck (litres)"), min_value=500, max_value=100_000, initial=DEFAULTS.capacity
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
    seconds = forms.IntegerField(label=_("Time for the optimiser (s)"), min_value=1, max_value=60, initial=10)

    def __init__(self, *args: Any, municipality: Municipality, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.municipality = municipality
        district, depot, disposal = self.fields["district"], self.fields["depot"], self.fields["disposal"]
        assert isinstance(district, forms.ChoiceField) and isinstance(depot, forms.ChoiceField)
        assert isinstance(disposal, forms.ChoiceField)
        disposal.choices = [("", _("Back at the depot"))] + [
            (p.pk, str(p)) for p in selectors.disposal_sites(municipality)
        ]
        district.choices = [("", "—")] + [(d.pk, d.name) for d in selectors.districts(municipality)]
        depot.choices = [("", _("Middle of the municipality"))] + [
            (p.pk, str(p)) for p in selectors.depots(municipality)
        ]

    def parameters(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data["shift_start"] = data["shift_start"].strftime("%H:%M")
        data["shift_end"] = data["shift_end"].strftime("%H:%M")
        data["break_start"] = data["break_start"].strftime("%H:%M")
        data["break_end"] = data["break_end"].strftime("%H:%M")
        return data
