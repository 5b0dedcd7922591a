# 2 Dec 2026: never 12/02/2026, which Tunisian readers take for the 12th of February.
SHORT_DATE_FORMAT = DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT = "j M Y H:i"
TIME_FORMAT = "H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
# Typed dates: ISO first (what the admin's calendar writes), day first after it, never month first.
DATE_INPUT_FORMATS = ["%Y-%m-%d", "%d/%m/%Y", "%d %b %Y"]
DATETIME_INPUT_FORMATS = [
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
]
