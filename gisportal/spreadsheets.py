"""CSV cells that a spreadsheet reads as text, never as a formula: every CSV the portal writes goes through here.

Excel, LibreOffice and Google Sheets run a cell starting with = + - @ (or a tab or carriage return) as a formula:
a complaint described as `=HYPERLINK("http://…", "open")` would act in the spreadsheet of the staff member who
exports it. Such a text cell gets a leading apostrophe, the spreadsheets' own mark for "this is text", which
they do not show. An import of a CSV takes it off again (`restore_column`), so that an export imports back as it
was: a text already starting with apostrophes before such a character gets one more, so the two are inverses.
"""

import csv
import re
from typing import Any, Protocol

# A text a spreadsheet would run, possibly behind apostrophes already there.
FORMULA = r"'*[=+\-@\t\r]"
_FORMULA = re.compile(FORMULA)


def text_cell(value: Any) -> Any:
    """`value` as a cell to write: a text that would run as a formula gets its apostrophe; anything else as it is."""
    if isinstance(value, str) and _FORMULA.match(value):
        return "'" + value
    return value


def neutralise_column(column: Any) -> Any:
    """`text_cell` on a pandas column of text (missing values and numbers stay as they are)."""
    runs = column.str.match(FORMULA, na=False).astype(bool)
    if not runs.any():
        return column
    column = column.copy()
    column[runs] = "'" + column[runs]
    return column


def restore_column(column: Any) -> Any:
    """The inverse of `neutralise_column`, for a pandas column of text read from a CSV."""
    return column.str.replace(f"^'(?={FORMULA})", "", regex=True)


class _Writable(Protocol):
    def write(self, text: str, /) -> Any: ...


class SpreadsheetWriter:
    """csv.writer whose text cells are written by `text_cell`."""

    def __init__(self, out: _Writable, **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Any) -> Any:
        return self._writer.writerow([text_cell(value) for value in row])

    def writerows(self, rows: Any) -> None:
        for row in rows:
            self.writerow(row)


def writer(out: _Writable, **options: Any) -> SpreadsheetWriter:
    return SpreadsheetWriter(out, **options)
