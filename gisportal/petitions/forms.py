import json

from django import forms
from django.contrib.gis.geos import GEOSException, GEOSGeometry, Point
from django.utils.translation import gettext_lazy as _

from gisportal.petitions.models import PUBLIC_STATES, State
from layers.models import District

MAX_VERTICES = 500


class DistrictField(forms.ModelChoiceField):
    def label_from_instance(self, obj: District) -> str:  # type: ignore[override]
        from layers.templatetags.place_names import local_name

        return local_name(obj)


def _districts(field: forms.Field, municipality_id: int) -> None:
    field.queryset = District.objects.filter(municipality_id=municipality_id).order_by("name")  # type: ignore[attr-defined]


STATE_CHOICES = [("", _("All")), *((s, State(s).label) for s in PUBLIC_STATES)]


class StateFilterForm(forms.Form):
    state = forms.ChoiceField(choices=STATE_CHOICES, required=False, label=_("State"))


class PetitionFilterForm(forms.Form):
    """One set of filters for the list and the map."""

    state = forms.ChoiceField(choices=STATE_CHOICES, required=False, label=_("State"))
    district = DistrictField(
        queryset=District.objects.none(), required=False, label=_("District"), empty_label=_("All")
    )

    def __init__(self, *args, municipality_id: int, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        _districts(self.fields["district"], municipality_id)


class NationalIdField(forms.CharField):
    def __init__(self, **kwargs) -> None:  # type: ignore[no-untyped-def]
        kwargs.setdefault("label", _("National identity card number"))
        kwargs.setdefault("help_text", _("Only a coded fingerprint of it is kept, to count each person once."))
        super().__init__(
            max_length=20,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "dir": "ltr"}),
            **kwargs,
        )


class PetitionForm(forms.Form):
    title = forms.CharField(label=_("What you ask the municipality, in a few words"), max_length=200)
    text = forms.CharField(
        label=_("Your petition: what should be done, and why?"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    district = DistrictField(
        queryset=District.objects.none(),
        required=False,
        label=_("The district it concerns"),
        empty_label=_("The whole municipality"),
        help_text=_("A place shown on the map decides the district."),
    )
    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90, required=False)
    lon = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180, required=False)
    shape = forms.CharField(required=False, widget=forms.HiddenInput, max_length=100_000)
    national_id = NationalIdField(required=False)
    website = forms.CharField(required=False, widget=forms.HiddenInput)  # honeypot

    def __init__(self, *args, municipality_id: int, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        _districts(self.fields["district"], municipality_id)

    def clean(self) -> dict:
        data = super().clean() or {}
        data["location"] = self._location(data)
        return data

    def _location(self, data: dict) -> GEOSGeometry | None:
        """An area drawn on the map (GeoJSON), else the point tapped or typed, else none (it is optional)."""
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
        if (data.get("lat") is None) != (data.get("lon") is None):
            raise forms.ValidationError(_("Give both the latitude and the longitude, or neither."))
        if data.get("lat") is None:
            return None
        return Point(data["lon"], data["lat"], srid=4326)


class SignForm(forms.Form):
    national_id = NationalIdField(required=False)
    website = forms.CharField(required=False, widget=forms.HiddenInput)  # honeypot


class OpenForm(forms.Form):
    closes_on = forms.DateField(
        label=_("Signatures until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


class RefuseForm(forms.Form):
    reason = forms.CharField(
        label=_("Which rule it breaks (public)"), max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("The municipality's formal answer (public)"),
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 8}),
    )


class PaperSignatureForm(forms.Form):
    national_id = NationalIdField(help_text=_("It stops the same person signing twice, online or on paper."))
    district = DistrictField(queryset=District.objects.none(), required=False, label=_("District"))

    def __init__(self, *args, municipality_id: int, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        _districts(self.fields["district"], municipality_id)
