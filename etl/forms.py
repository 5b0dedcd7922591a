from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from etl.mapping import MAPPINGS_DIR
from etl.sources import max_file_bytes
from etl.targets import TARGETS
from gisportal.accounts import roles
from layers.models import Municipality
from layers.selectors import Scope, scope

LAYER_NAMES = {
    "governorate": _("Governorates"),
    "municipality": _("Municipalities"),
    "delegation": _("Delegations"),
    "district": _("Districts"),
    "service_point": _("Service points"),
    "collection_route": _("Collection routes"),
    "complaint": _("Complaints"),
    "road": _("Road network"),
}


def importable_layers(user: roles.User) -> list[str]:
    """The layers a staff member may fill: those she may edit."""
    return [
        name
        for name, target in TARGETS.items()
        if target.uploadable and scope(target.model, user, for_edit=True) is not Scope.NONE
    ]


def her_municipalities(user: roles.User) -> QuerySet[Municipality]:
    if scope(Municipality, user) is Scope.ALL:
        return Municipality.objects.all()
    return Municipality.objects.filter(pk__in=roles.municipality_ids(user))


class UploadForm(forms.Form):
    file = forms.FileField(
        label=_("File"),
        help_text=_("Zipped shapefile, GeoPackage, GeoJSON, KML/KMZ, CSV or XLSX with longitude and latitude"),
    )
    layer = forms.ChoiceField(label=_("Layer"))
    municipality = forms.ModelChoiceField(queryset=Municipality.objects.none(), label=_("Municipality"), required=False)
    mapping = forms.ChoiceField(label=_("Field mapping"), required=False)

    def __init__(self, *args: object, user: roles.User, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.user = user
        self.fields["layer"].choices = [(name, LAYER_NAMES[name]) for name in importable_layers(user)]  # type: ignore[attr-defined]
        self.fields["municipality"].queryset = her_municipalities(user)  # type: ignore[attr-defined]
        specs = sorted(p.stem for p in MAPPINGS_DIR.glob("*.toml"))
        self.fields["mapping"].choices = [("", _("Columns named like the fields")), *((s, s) for s in specs)]  # type: ignore[attr-defined]

    def clean_file(self) -> object:
        upload = self.cleaned_data["file"]
        if upload.size > max_file_bytes():
            raise forms.ValidationError(_("The file is over the import limit."))
        return upload

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        layer = data.get("layer")
        if layer and TARGETS[layer].municipality_scoped:
            if scope(TARGETS[layer].model, self.user, for_edit=True) is Scope.OWN_MUNICIPALITIES and not data.get(
                "municipality"
            ):
                self.add_error("municipality", _("Choose the municipality the file is for."))
        elif data.get("municipality"):
            self.add_error("municipality", _("This layer is not kept per municipality."))
        return data
