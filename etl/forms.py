from django import forms
from django.db.models import QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from etl import suggest
from etl.mapping import MAPPINGS_DIR
from etl.sources import max_file_bytes
from etl.targets import TARGETS, Target
from gisportal.accounts import roles
from layers.models import Municipality
from layers.selectors import Scope, scope

LAYER_NAMES = {
    "governorates": _("Governorates"),
    "municipalities": _("Municipalities"),
    "delegations": _("Delegations"),
    "districts": _("Districts"),
    "service-points": _("Service points"),
    "collection-routes": _("Collection routes"),
    "complaints": _("Complaints"),
    "roads": _("Road network"),
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
        # The specs she confirmed on the mapping page, by the name she gave them.
        saved = [(name, name.removeprefix(suggest.SAVED)) for name in suggest.saved_specs(getattr(user, "pk", 0) or 0)]
        self.fields["mapping"].choices = [("", _("Columns named like the fields")), *((s, s) for s in specs), *saved]  # type: ignore[attr-defined]

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


class MappingForm(forms.Form):
    """The planner confirms (or corrects) the suggested mapping: a column for each field, a choice for each
    value the file gives a choice field. Without JavaScript: "Show the values" redraws the values of a newly
    chosen column."""

    title = forms.CharField(label=_("Name of this mapping"), max_length=60)

    def __init__(
        self,
        *args: object,
        target: Target,
        columns: list[str],
        suggested: dict[str, str | None],
        values: dict[str, dict[str, str | None]],
        value_columns: dict[str, str],
        **kwargs: object,
    ) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.target = target
        self.values_shown = values
        column_choices = [("", _("— not in the file —")), *((c, c) for c in columns)]
        for name, model_field in suggest.mappable_fields(target).items():
            label = f"{capfirst(model_field.verbose_name)} ({name})"
            self.fields[f"field_{name}"] = forms.ChoiceField(
                choices=column_choices,
                required=False,
                initial=suggested.get(name) or "",
                label=label,
                help_text=_("Required") if target.required(name) else "",
            )
        for name, shown in values.items():
            model_field = target.fields[name]
            choices = [
                ("", _("— leave out (reported) —")),
                *((str(code), f"{label} ({code})") for code, label in model_field.flatchoices),
            ]
            # Which column these values were read from: another column chosen since needs its own values shown.
            self.fields[f"shown_{name}"] = forms.CharField(
                widget=forms.HiddenInput, required=False, initial=value_columns[name]
            )
            for index, (value, choice) in enumerate(shown.items()):
                self.fields[f"value_{name}_{index}"] = forms.ChoiceField(
                    choices=choices, required=False, initial=choice or "", label=value
                )

    def value_fields(self, name: str) -> list[forms.BoundField]:
        return [self[f"value_{name}_{i}"] for i in range(len(self.values_shown.get(name, {})))]

    def field_rows(self) -> list[forms.BoundField]:
        return [self[f"field_{name}"] for name in suggest.mappable_fields(self.target)]

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        chosen = [data.get(f"field_{name}") for name in suggest.mappable_fields(self.target)]
        for name in suggest.mappable_fields(self.target):
            if self.target.required(name) and not data.get(f"field_{name}"):
                self.add_error(f"field_{name}", _("Choose the column that gives this field."))
        used = [c for c in chosen if c]
        if len(used) != len(set(used)):
            self.add_error(None, _("A column can fill one field only."))
        return data

    def mapped(self) -> tuple[dict[str, str], dict[str, dict[str, str]]]:
        """(field → column, choice field → {value in the file → choice}) as confirmed."""
        data = self.cleaned_data
        fields = {n: data[f"field_{n}"] for n in suggest.mappable_fields(self.target) if data.get(f"field_{n}")}
        values = {
            name: {value: data[f"value_{name}_{i}"] for i, value in enumerate(shown) if data.get(f"value_{name}_{i}")}
            for name, shown in self.values_shown.items()
            if name in fields
        }
        return fields, values
