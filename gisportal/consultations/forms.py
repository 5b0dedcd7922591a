from django import forms
from django.contrib.gis.geos import Point
from django.utils.translation import gettext_lazy as _

from gisportal.consultations.models import Stance


class CommentForm(forms.Form):
    """A comment on a section, a reply (parent), or a comment on the map (lat/lon typed or tapped)."""

    body = forms.CharField(label=_("Your comment"), max_length=3000, widget=forms.Textarea(attrs={"rows": 4}))
    section = forms.IntegerField(required=False, widget=forms.HiddenInput)
    parent = forms.IntegerField(required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(label=_("Latitude"), min_value=-90, max_value=90, required=False)
    lon = forms.FloatField(label=_("Longitude"), min_value=-180, max_value=180, required=False)
    website = forms.CharField(required=False, widget=forms.HiddenInput)  # honeypot: people never fill it

    def clean(self) -> dict:
        data = super().clean() or {}
        lat, lon = data.get("lat"), data.get("lon")
        if (lat is None) != (lon is None):
            raise forms.ValidationError(_("Give both the latitude and the longitude, or tap the map."))
        data["location"] = Point(lon, lat, srid=4326) if lat is not None and lon is not None else None
        return data


class StanceForm(forms.Form):
    section = forms.IntegerField(widget=forms.HiddenInput)
    value = forms.ChoiceField(choices=Stance.Value.choices)


class HideForm(forms.Form):
    comment = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason (shown in the comment's place)"), max_length=300)


class ResponseForm(forms.Form):
    section = forms.IntegerField(widget=forms.HiddenInput)
    response = forms.CharField(
        label=_("What the municipality changed in response"),
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PublishForm(forms.Form):
    summary = forms.CharField(
        label=_("Report: what the municipality concluded"),
        max_length=10_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
