import json

from django import forms
from django.contrib.gis.geos import GEOSException, GEOSGeometry, Point
from django.utils.translation import gettext_lazy as _

from gisportal.budgeting.models import Proposal
from layers.models import District

MAX_VERTICES = 500


class ProposalFilterForm(forms.Form):
    """One set of filters for the list and the map of proposals."""

    district = forms.ModelChoiceField(queryset=District.objects.none(), required=False, label=_("District"))
    category = forms.ChoiceField(
        choices=[("", _("All")), *Proposal.Category.choices], required=False, label=_("Category")
    )
    status = forms.ChoiceField(choices=[("", _("All")), *Proposal.Status.choices], required=False, label=_("Status"))
    min_cost = forms.IntegerField(min_value=0, max_value=10**12, required=False, label=_("Cost from"))
    max_cost = forms.IntegerField(min_value=0, max_value=10**12, required=False, label=_("Cost up to"))

    def __init__(self, *args, municipality_id: int, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = District.objects.filter(municipality_id=municipality_id).order_by("name")  # type: ignore[attr-defined]


class ProposalForm(forms.Form):
    title = forms.CharField(label=_("Your project in a few words"), max_length=200)
    description = forms.CharField(
        label=_("What should be done, and for whom?"), max_length=5000, widget=forms.Textarea(attrs={"rows": 5})
    )
    category = forms.ChoiceField(label=_("Category"), choices=Proposal.Category.choices)
    estimated_cost = forms.IntegerField(label=_("Your estimate of its cost (dinars)"), min_value=1, max_value=10**10)
    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90, required=False)
    lon = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180, required=False)
    shape = forms.CharField(required=False, widget=forms.HiddenInput, max_length=100_000)
    photo = forms.ImageField(label=_("A photo of the place (optional)"), required=False)
    website = forms.CharField(required=False, widget=forms.HiddenInput)  # honeypot

    def clean(self) -> dict:
        data = super().clean() or {}
        data["location"] = self._location(data)
        return data

    def _location(self, data: dict) -> GEOSGeometry:
        """A shape drawn on the map (GeoJSON), or else the point tapped or typed."""
        if shape := data.get("shape"):
            try:
                geometry = GEOSGeometry(json.dumps(json.loads(shape)), srid=4326)
            except (ValueError, GEOSException, TypeError):
                raise forms.ValidationError(_("The shape drawn on the map could not be read: draw it again.")) from None
            if geometry.geom_type not in {"Point", "LineString", "Polygon"} or geometry.num_coords > MAX_VERTICES:
                raise forms.ValidationError(_("Draw a point, a line or an area of at most 500 points."))
            if geometry.empty or not geometry.valid:
                raise forms.ValidationError(_("This area crosses itself: draw it again."))
            geometry.srid = 4326
            return geometry
        if data.get("lat") is None or data.get("lon") is None:
            raise forms.ValidationError(_("Show where the project would be: tap the map, or give its coordinates."))
        return Point(data["lon"], data["lat"], srid=4326)


class ReviewForm(forms.Form):
    feasible = forms.TypedChoiceField(
        label=_("Feasible?"), choices=[("1", _("Yes")), ("0", _("No"))], coerce=lambda v: v == "1"
    )
    cost = forms.IntegerField(label=_("Municipality's cost estimate"), min_value=1, required=False)
    note = forms.CharField(
        label=_("Public note (the reason, when not feasible)"), required=False, widget=forms.Textarea
    )
