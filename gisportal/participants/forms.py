from django import forms
from django.utils.translation import gettext_lazy as _

from gisportal.participants.models import AgeBand, Gender
from layers.models import District
from layers.templatetags.place_names import local_name


class ContactForm(forms.Form):
    contact = forms.CharField(
        label=_("Your mobile phone number or e-mail address"),
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "tel email", "inputmode": "email", "dir": "ltr"}),
    )
    website = forms.CharField(required=False, widget=forms.HiddenInput)  # honeypot: people never fill it


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("The code we sent you"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "dir": "ltr"}),
    )


class DistrictChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: District) -> str:  # type: ignore[override]
        return f"{local_name(obj.municipality)} — {local_name(obj)}"


class ProfileForm(forms.Form):
    """Every field optional: they only ever count in totals by group, never shown per person."""

    gender = forms.ChoiceField(
        label=_("Gender"), choices=[("", _("I prefer not to say")), *Gender.choices], required=False
    )
    age_band = forms.ChoiceField(
        label=_("Age"), choices=[("", _("I prefer not to say")), *AgeBand.choices], required=False
    )
    district = DistrictChoiceField(
        label=_("The district where you live"),
        queryset=District.objects.select_related("municipality").order_by("municipality__name_fr", "name"),
        required=False,
        empty_label=_("I prefer not to say"),
    )
    national_id = forms.CharField(
        label=_("National identity card number (optional)"),
        help_text=_("Only a coded fingerprint of it is kept, to make sure each person votes once."),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "dir": "ltr"}),
    )
