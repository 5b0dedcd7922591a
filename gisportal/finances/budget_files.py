"""Budget files as municipalities publish them (OpenBaladiati's CSV exports, e.g. Bou Arada's), into the scorecards
tables through the ETL pipeline and its report, for any municipality.

Three formats, each read by its versioned mapping spec in etl/mappings/ (written for Bou Arada's files), with the
municipality, the kind (revenue or expense) and the year put in for the file at hand:

- long:    Titre, Article, Paragraphe, Sous_paragraphe, Imputation, Year, Budget    -> budget lines, one per year
- wide:    Titre, Article, Paragraphe, Sous_paragraphe, Imputation, 2013, …, 2018   -> budget lines, one per cell
- monthly: …, Budget_01_2018, Budget_02_2018 …  (cumulative execution to each month)  -> executions

The kind comes from the file's name (recette: revenue; depense, dépense, depence: expense) unless given; the
municipality from --municipality, or from the OpenBaladiati id the file is named by (…_34012.csv is Bou Arada).
"""

import csv
import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path

from django.utils import translation
from django.utils.translation import gettext as _

from etl.mapping import FieldRule, Mapping, Unpivot, load_mapping
from etl.pipeline import ImportFailed, ImportSummary, import_file
from gisportal.finances import services
from gisportal.scorecards.models import LegacyMunicipality
from layers.models import Municipality

SPECS = {
    ("long", "revenue"): "tn-budget-revenue",
    ("long", "expense"): "tn-budget-expense",
    ("wide", "revenue"): "tn-budget-revenue-per-year",
    ("wide", "expense"): "tn-budget-expense-per-year",
    ("monthly", "revenue"): "tn-budget-revenue-execution-2018",
    ("monthly", "expense"): "tn-budget-expense-execution-2018",
}
LAYERS = {"long": "budget-lines", "wide": "budget-lines", "monthly": "budget-executions"}
KEY_COLUMNS = {"Titre", "Article", "Paragraphe", "Sous_paragraphe", "Imputation"}
MONTH_COLUMN = re.compile(r"^Budget_(\d{2})_(\d{4})$")
YEAR_COLUMN = re.compile(r"^\d{4}$")
KIND_IN_NAME = {"revenue": re.compile(r"recette", re.I), "expense": re.compile(r"d[eé]pen[cs]e", re.I)}
LEGACY_ID_IN_NAME = re.compile(r"_(\d{5})(?:_v\d+)?\.")


class BudgetFileError(ImportFailed):
    """A file that is none of the formats, or whose municipality or kind cannot be told: nothing is stored."""


@dataclass(frozen=True)
class BudgetFile:
    path: Path
    format: str  # long, wide or monthly
    kind: str  # revenue or expense
    municipality: str  # official code
    year: int | None = None  # the monthly statements' year

    @property
    def layer(self) -> str:
        return LAYERS[self.format]


def _header(path: Path) -> list[str]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            return [c.strip() for c in next(csv.reader(f), [])]
    except (OSError, UnicodeDecodeError) as error:
        raise BudgetFileError(_("%(file)s cannot be read as a UTF-8 CSV file.") % {"file": path.name}) from error


def recognise(path: Path, *, municipality: str | None = None, kind: str | None = None) -> BudgetFile:
    columns = _header(path)
    if not set(columns) >= KEY_COLUMNS:
        missing = ", ".join(sorted(KEY_COLUMNS - set(columns)))
        raise BudgetFileError(
            _("%(file)s is not a budget file: it has no column %(columns)s.") % {"file": path.name, "columns": missing}
        )
    months = {m.group(2) for c in columns if (m := MONTH_COLUMN.match(c))}
    year = None
    if {"Year", "Budget"} <= set(columns):
        layout = "long"
    elif any(YEAR_COLUMN.match(c) for c in columns):
        layout = "wide"
    elif len(months) == 1:
        layout, year = "monthly", int(months.pop())
    else:
        raise BudgetFileError(
            _("%(file)s has no Year and Budget columns, no column per year and no column per month of one year.")
            % {"file": path.name}
        )
    if kind is None:
        found = [k for k, pattern in KIND_IN_NAME.items() if pattern.search(path.name)]
        if len(found) != 1:
            raise BudgetFileError(_("Say whether %(file)s holds revenue or expenses.") % {"file": path.name})
        kind = found[0]
    return BudgetFile(path, layout, kind, _municipality_code(path, municipality), year)


def _municipality_code(path: Path, code: str | None) -> str:
    if code is not None:
        if not Municipality.objects.filter(code=code).exists():
            raise BudgetFileError(_("No municipality has the code %(code)s.") % {"code": code})
        return code
    named = LEGACY_ID_IN_NAME.search(path.name)
    legacy = (
        LegacyMunicipality.objects.select_related("municipality").filter(legacy_id=named.group(1)).first()
        if named
        else None
    )
    if legacy is None:
        raise BudgetFileError(_("Say which municipality %(file)s is the budget of.") % {"file": path.name})
    return legacy.municipality.code


def mapping_for(budget_file: BudgetFile) -> Mapping:
    """The format's spec, for this municipality, kind and year."""
    spec = load_mapping(SPECS[(budget_file.format, budget_file.kind)])
    fields = dict(spec.fields)
    fields["municipality"] = FieldRule(default=budget_file.municipality)
    fields["kind"] = FieldRule(default=budget_file.kind)
    unpivot = spec.unpivot
    if budget_file.format == "monthly" and unpivot is not None:
        fields["year"] = FieldRule(default=budget_file.year)
        unpivot = Unpivot(rf"^Budget_(\d{{2}})_{budget_file.year}$", unpivot.name, unpivot.value)
    return dataclasses.replace(
        spec, fields=fields, unpivot=unpivot, origin=f"{spec.origin} ({budget_file.municipality})"
    )


def import_budget_file(
    path: Path,
    *,
    municipality: str | None = None,
    kind: str | None = None,
    dry_run: bool = False,
    report: Path | None = None,
    language: str = "en",
) -> tuple[BudgetFile, ImportSummary]:
    """Import one budget file, all or nothing, with the pipeline's report; then tag its new expense lines by the
    nomenclature's default functions (staff correct them in the admin)."""
    with translation.override(language):
        budget_file = recognise(path, municipality=municipality, kind=kind)
    summary = import_file(
        path, layer=budget_file.layer, mapping=mapping_for(budget_file), dry_run=dry_run, report=report,
        language=language,
    )  # fmt: skip
    if not dry_run and budget_file.kind == "expense":
        services.seed_default_tags(municipality=Municipality.objects.get(code=budget_file.municipality))
    return budget_file, summary
