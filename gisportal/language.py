"""A page asked for without a language prefix opens in her language: an Arabic phone opening / is sent to /ar/.

The pages are French at / (i18n_patterns without a prefix for the default language), so Django never looks
at Accept-Language or the language cookie there. Here a page navigation to an unprefixed localised URL is
redirected to the language the switcher stored (its cookie) or, on a first visit, to the browser's preferred
language, when that is Arabic or English. Never the API, Open311, tiles, static files or media, nor a
script's fetch, which asks for JSON.
"""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import get_script_prefix, is_valid_path
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language_from_path, get_supported_language_variant
from django.utils.translation.trans_real import parse_accept_lang_header


def browser_language(accept_language: str) -> str | None:
    """The first language of the header the portal speaks, or None."""
    for code, _quality in parse_accept_lang_header(accept_language):
        if code == "*":
            return None
        try:
            return get_supported_language_variant(code)
        except LookupError:
            continue
    return None


def _unprefixed_page(request: HttpRequest) -> bool:
    """A GET of a localised page without its language prefix (/report/, not /ar/report/ nor /api/…)."""
    if request.method not in {"GET", "HEAD"} or get_language_from_path(request.path_info):
        return False
    # What exists under a prefix is a localised page; /api/, /open311/, /static/, /media/ … do not.
    other = next(code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE)
    with translation.override(other):  # i18n_patterns match the active language's prefix only
        return bool(is_valid_path(f"/{other}{request.path_info}", getattr(request, "urlconf", None)))


def chosen_language(request: HttpRequest) -> str | None:
    """The language an unprefixed page's request should be answered in: the one she chose, else her browser's."""
    if chosen := request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME):
        return chosen if chosen in dict(settings.LANGUAGES) else None  # the switcher's cookie wins
    return browser_language(request.headers.get("Accept-Language", ""))


class BrowserLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # A script, QGIS or an API client asks for no HTML: never redirected, so its path is not resolved twice.
        if "text/html" not in request.headers.get("Accept", "") or not _unprefixed_page(request):
            return self.get_response(request)
        language = chosen_language(request)
        if language in {None, settings.LANGUAGE_CODE}:
            response = self.get_response(request)
        else:
            query = request.META.get("QUERY_STRING", "")
            target = f"{get_script_prefix()}{language}{request.path_info}" + (f"?{query}" if query else "")
            response = HttpResponseRedirect(target)
        # The same address answers by browser language and cookie: caches must keep the answers apart.
        patch_vary_headers(response, ("Accept-Language", "Cookie"))
        return response
