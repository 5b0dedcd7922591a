# Day first, as in French: Tunisian Arabic paperwork writes 02/12/2026 (Django's Arabic mixes in month first).
SHORT_DATE_FORMAT = DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT = "d/m/Y H:i"
TIME_FORMAT = "H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
# Django has none for Arabic and would read 03/04/2026 as the 4th of March.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
]
