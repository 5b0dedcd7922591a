"""A suggested field mapping for a file whose columns are not named like the layer's fields.

Columns are matched to fields, and a choice field's values in the file to its choices, case- and
accent-insensitively, by the fields' and choices' names in English, French and Arabic (and a few words
planners write, such as `nom` or `type`). The planner confirms the suggestion on the import page; it is
saved as a mapping spec (TOML, like those in etl/mappings/) among her private files and applied.
"""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pyogrio
from django.core.files.base import ContentFile
from django.db.models import Field
from django.utils import translation
from django.utils.text import slugify

from etl.arabic import normalise_arabic
from etl.models import PRIVATE_FILES
from etl.targets import Target

LANGUAGES = ("en", "fr", "ar")
SAVED = "mappings/"  # the saved specs' folder among the private files; a job's mapping names one as "mappings/…"
SAMPLE_ROWS = 5000
MAX_VALUES = 60
# Words for a field that are not its name in any language: what a file exported by hand calls it.
SYNONYMS = {
    "name": ("nom", "libelle", "designation", "intitule", "اسم", "الاسم"),
    "kind": ("type", "categorie", "category", "nature", "نوع", "الصنف"),
    "status": ("etat", "statut", "الحالة"),
    "capacity": ("capacite", "volume", "litres", "السعة"),
    "opening_hours": ("horaires", "heures", "ouverture", "التوقيت"),
}


def folded(text: object) -> str:
    """A text as matched: case, accents, Arabic spelling variants and punctuation left out."""
    text = normalise_arabic(unicodedata.normalize("NFKD", str(text)).casefold())
    return re.sub(r"[\W_]+", "", "".join(c for c in text if not unicodedata.combining(c)))


def _in_each_language(label: object) -> set[str]:
    names = set()
    for language in LANGUAGES:
        with translation.override(language):
            names.add(folded(str(label)))
    return names


def field_words(name: str, model_field: Field) -> set[str]:
    words = {folded(name), folded(name.replace("_", " "))} | _in_each_language(model_field.verbose_name)
    return (words | {folded(w) for w in SYNONYMS.get(name, ())}) - {""}


def choice_words(model_field: Field) -> dict[str, str]:
    """Each way of writing a choice (its code, its label in each language) → the choice's code."""
    words: dict[str, str] = {}
    for code, label in model_field.flatchoices:
        for word in {folded(code), *_in_each_language(label)}:
            words.setdefault(word, str(code))
    return words


def mappable_fields(target: Target) -> dict[str, Field]:
    """The fields a planner maps: the page's municipality and the geometry come from elsewhere."""
    return {n: f for n, f in target.fields.items() if n != "municipality" and n != "tracking_code"}


@dataclass
class Suggestion:
    columns: list[str]
    fields: dict[str, str | None]  # field → the column suggested for it (None: none)
    # choice field → {a value in the file: the choice suggested (None: none)}
    values: dict[str, dict[str, str | None]] = field(default_factory=dict)


def sample_values(dataset: Path, columns: list[str], layer: str | None = None) -> dict[str, list[str]]:
    """The distinct values of some columns in the first rows of a file."""
    if not columns:
        return {}
    frame = pyogrio.read_dataframe(dataset, layer=layer, columns=columns, read_geometry=False, max_features=SAMPLE_ROWS)
    samples = {}
    for column in columns:
        values = frame[column].dropna().astype(str).str.strip()
        samples[column] = sorted({v for v in values if v})[:MAX_VALUES]
    return samples


def suggest_columns(target: Target, columns: list[str]) -> dict[str, str | None]:
    """The column each field most likely comes from (each column used once)."""
    taken: set[str] = set()
    chosen: dict[str, str | None] = {}
    for name, model_field in mappable_fields(target).items():
        words = field_words(name, model_field)
        column = next((c for c in columns if c not in taken and folded(c) in words), None)
        if column:
            taken.add(column)
        chosen[name] = column
    return chosen


def suggest_values(model_field: Field, values: list[str]) -> dict[str, str | None]:
    words = choice_words(model_field)
    return {value: words.get(folded(value)) for value in values}


def spec_toml(layer: str, fields: dict[str, str], values: dict[str, dict[str, str]], description: str) -> str:
    """A mapping spec as etl.mapping reads it."""

    def quoted(text: str) -> str:
        return json.dumps(text, ensure_ascii=False)  # a JSON string is a TOML basic string (escapes included)

    lines = [f"description = {quoted(description)}", f"layer = {quoted(layer)}", "", "[fields]"]
    for name, column in fields.items():
        mapped = values.get(name)
        if mapped:
            pairs = ", ".join(f"{quoted(value)} = {quoted(choice)}" for value, choice in mapped.items())
            lines.append(f'{name} = {{ source = {quoted(column)}, transform = ["strip"], values = {{ {pairs} }} }}')
        else:
            lines.append(f"{name} = {{ source = {quoted(column)} }}")
    return "\n".join(lines) + "\n"


def save_spec(*, user_id: int, title: str, text: str) -> str:
    """Save a confirmed spec among the private files; its name for a job's `mapping`."""
    stem = f"u{user_id}-{slugify(title)[:40] or 'mapping'}"
    name = PRIVATE_FILES.get_available_name(f"{SAVED}{stem}.toml")
    PRIVATE_FILES.save(name, ContentFile(text.encode()))
    return name


def spec_path(mapping: str) -> str | Path:
    """A job's mapping as `etl.mapping.load_mapping` takes it: a saved spec by its path, a versioned one by name."""
    return Path(PRIVATE_FILES.path(mapping)) if mapping.startswith(SAVED) else mapping


def saved_specs(user_id: int) -> list[str]:
    """The specs a planner saved, by their names for a job's `mapping`."""
    folder = Path(PRIVATE_FILES.path(SAVED))
    return sorted(f"{SAVED}{p.name}" for p in folder.glob(f"u{user_id}-*.toml")) if folder.is_dir() else []
