# 02/12/2026 and 02/12/2026 14:30, as French (and Tunisian) paperwork writes them.
SHORT_DATE_FORMAT = DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT = "d/m/Y H:i"
TIME_FORMAT = "H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
