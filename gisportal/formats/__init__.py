"""One way of writing dates per language, on every page and in the admin (settings.FORMAT_MODULE_PATH).

Django's own Arabic formats write a short date day first but a date with its time month first (its
SHORT_DATETIME_FORMAT falls back to the American default), and English is month first: here each language
writes every date one way, the long formats equal to the short ones, times on the 24-hour clock.
"""
