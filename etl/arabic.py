"""Arabic text as Tunisian sources write it, made consistent for storage and matching."""

import re

# Persian letters typed on Persian keyboards look identical but do not match Arabic text.
_PERSIAN_TO_ARABIC = str.maketrans({"\u06cc": "\u064a", "\u06a9": "\u0643"})
_TATWEEL = "\u0640"


def normalise_arabic(text: str) -> str:
    """Persian YEH and KAF to Arabic, tatweel removed, spaces collapsed."""
    return re.sub(r"\s+", " ", text.translate(_PERSIAN_TO_ARABIC).replace(_TATWEEL, "")).strip()
