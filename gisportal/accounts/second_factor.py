"""A second factor for staff (TOTP, django-otp): asked of every staff member who set one up, and of every
administrator when GISPORTAL_ADMIN_SECOND_FACTOR is on. Until she gives the code, her session opens nothing
but the code page itself (and logging out); API tokens and Basic auth (scripts, QGIS) are not sessions."""

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django_otp import devices_for_user

# The pages a half-signed-in staff member may still open.
OPEN = {"admin:login", "admin:logout", "accounts:second-factor", "accounts:second-factor-setup", "set_language"}


def has_device(user: object) -> bool:
    return any(devices_for_user(user, confirmed=True))  # type: ignore[arg-type]


def required(user: object) -> bool:
    """Whether this session must show a code: she has a confirmed device, or she is an administrator and
    the setting asks it of administrators."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_staff", False):
        return False
    return has_device(user) or (settings.ADMIN_SECOND_FACTOR and getattr(user, "is_superuser", False))


class SecondFactorMiddleware:
    """After django_otp's OTPMiddleware: sends an unverified staff session to the code page (or to setting one
    up, for an administrator who has none yet)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = request.user
        if user.is_verified() or not required(user) or _is_open(request):  # type: ignore[union-attr]
            return self.get_response(request)
        page = "accounts:second-factor" if has_device(user) else "accounts:second-factor-setup"
        return redirect(reverse(page) + "?" + urlencode({"next": request.get_full_path()}))


def _is_open(request: HttpRequest) -> bool:
    if request.path_info.startswith(settings.STATIC_URL):
        return True
    try:
        return resolve(request.path_info).view_name in OPEN
    except Resolver404:
        return False
