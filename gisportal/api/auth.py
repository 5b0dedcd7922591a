"""Who is calling: a session (browser), an API token (scripts, `Authorization: Token …`) or HTTP Basic (QGIS)."""

import base64
import binascii

from django.contrib.auth import authenticate
from django.http import HttpRequest
from rest_framework.authtoken.models import Token

from gisportal.accounts import roles


def request_user(request: HttpRequest) -> roles.User:
    """The caller; anonymous when no credential is given. Bad credentials also give anonymous (then a 401)."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, credential = header.partition(" ")
    scheme = scheme.lower()
    if scheme in {"token", "bearer"} and credential:
        # The staff profile in the same query: the role is the next thing every view asks.
        token = Token.objects.select_related("user__staff_profile").filter(key=credential.strip()).first()
        if token and token.user.is_active:
            return token.user
    elif scheme == "basic" and credential:
        try:
            username, _, password = base64.b64decode(credential).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return request.user
        user = authenticate(request, username=username, password=password)
        if user is not None:
            return user
    return request.user


def uses_session(request: HttpRequest) -> bool:
    """A browser session (which needs a CSRF check on writes), not a script's credential."""
    return not request.META.get("HTTP_AUTHORIZATION")
