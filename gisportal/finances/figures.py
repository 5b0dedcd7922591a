"""Numbers as each language writes them. Amounts are stored in millimes and shown in dinars.

French: 1 469 840 DT, 12,5 %; English: 1,469,840 TND, 12.5%; Arabic: Western digits by default, as Tunisia and the
Maghreb write them (1 469 840 د.ت), or Eastern Arabic digits (U+0660 to U+0669) with GISPORTAL_ARABIC_DIGITS=eastern.
Groups are joined by a narrow no-break space (or the Arabic separators): one number for the bidirectional
algorithm. In Arabic the number with its sign and percent is isolated left to right (LRI … PDI), so that a minus
sign or a percent sign stays where a reader of Arabic expects it, and the currency follows it on its left.
"""

from dataclasses import dataclass

from django.conf import settings
from django.utils import translation

EASTERN = str.maketrans("0123456789", "\u0660\u0661\u0662\u0663\u0664\u0665\u0666\u0667\u0668\u0669")
DASH = "\u2013"  # an en dash: no figure


@dataclass(frozen=True)
class Style:
    group: str
    decimal: str
    percent: str  # how a percentage is written after the number
    dinar: str
    millime: str
    eastern: bool = False
    isolate: bool = False  # wrap numbers in a left-to-right isolate (Arabic pages)

    def wrap(self, text: str) -> str:
        return f"\u2066{text}\u2069" if self.isolate else text


def style(language: str | None = None) -> Style:
    language = (language or translation.get_language() or "fr")[:2]
    if language == "ar":
        if settings.FINANCES_ARABIC_DIGITS == "eastern":
            return Style("\u066c", "\u066b", "\u066a", "د.ت", "مليم", eastern=True, isolate=True)
        return Style("\u202f", ",", "\u202f%", "د.ت", "مليم", isolate=True)
    if language == "en":
        return Style(",", ".", "%", "TND", "millimes")
    return Style("\u202f", ",", "\u202f%", "DT", "millimes")


def number(value: float | int | None, decimals: int = 0, language: str | None = None) -> str:
    """`value` with its digits grouped, or an en dash when there is none."""
    if value is None:
        return DASH
    s = style(language)
    return s.wrap(_digits(value, decimals, s))


def _digits(value: float | int, decimals: int, s: Style) -> str:
    text = f"{value:,.{decimals}f}".replace(",", "\x00").replace(".", s.decimal).replace("\x00", s.group)
    if text.startswith("-"):
        text = "\u2212" + text[1:]
    return text.translate(EASTERN) if s.eastern else text


def dinars(millimes: int | None, decimals: int = 0, language: str | None = None) -> str:
    """An amount stored in millimes, in dinars with the currency: "1 469 840 DT"."""
    if millimes is None:
        return DASH
    return f"{number(millimes / 1000, decimals, language)}\u00a0{style(language).dinar}"


def percent(value: float | None, decimals: int = 1, language: str | None = None) -> str:
    if value is None:
        return DASH
    s = style(language)
    return s.wrap(_digits(value, decimals, s) + s.percent)


def signed_percent(value: float | None, decimals: int = 1, language: str | None = None) -> str:
    """A change: "+12,5 %", "-3,0 %" (with a true minus sign)."""
    if value is None:
        return DASH
    s = style(language)
    return s.wrap(("+" if value > 0 else "") + _digits(value, decimals, s) + s.percent)


def millimes(value: float | None, language: str | None = None) -> str:
    """Millimes of one dinar: "413 millimes"."""
    if value is None:
        return DASH
    return f"{number(value, 0, language)}\u00a0{style(language).millime}"


def fraction(value: float | None, whole: float | None, language: str | None = None) -> str:
    """ "97 / 100", "1 / 16": one isolate, so that Arabic never reads it as "100 / 97"."""
    if value is None or whole is None:
        return DASH
    s = style(language)
    return s.wrap(f"{_digits(value, 0, s)}\u00a0/\u00a0{_digits(whole, 0, s)}")
