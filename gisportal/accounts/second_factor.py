"""A second factor for staff (TOTP, django-otp): asked of every staff member who set one up, and of every
administrator when GISPORTAL_ADMIN_SECOND_FACTOR is on. Until she gives the code, her session opens nothing
but the code page itself (and logging out); API tokens and Basic auth (scripts, QGIS) are not sessions."""

from collections.abc import Callable
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponseBase
from django.shortcuts import redirect
from django.urls import Resolver404, resolve, reverse
from django_otp import devices_for_user

# The pages a half-signed-in staff member may still open.
OPEN = {"admin:login", "admin:logout", "accounts:second-factor", "accounts:second-factor-setup", "set_language"}


SESSION_FLAG = "second_factor_required"


def has_device(user: object) -> bool:
    return any(devices_for_user(user, confirmed=True))  # type: ignore[arg-type]


@receiver(user_logged_in)
def _at_login(sender: type, request: HttpRequest, user: object, **kwargs: object) -> None:
    """Whether she has a device is read once, at login (not on each request): a device added later counts from the
    next login, as one confirmed in this session counts at once (views.setup)."""
    if getattr(user, "is_staff", False) and hasattr(request, "session"):
        request.session[SESSION_FLAG] = has_device(user)


def required(request: HttpRequest) -> bool:
    """Whether this session must show a code: she had a confirmed device when she logged in, or she is an
    administrator and the setting asks it of administrators."""
    user = request.user
    if not user.is_authenticated or not user.is_staff:
        return False
    return bool(request.session.get(SESSION_FLAG)) or (settings.ADMIN_SECOND_FACTOR and user.is_superuser)


class SecondFactorMiddleware:
    """After django_otp's OTPMiddleware: sends an unverified staff session to the code page (or to setting one
    up, for an administrator who has none yet)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        user = request.user
        if not required(request) or user.is_verified() or _is_open(request):  # type: ignore[union-attr]
            return self.get_response(request)
        page = "accounts:second-factor" if request.session.get(SESSION_FLAG) else "accounts:second-factor-setup"
        return redirect(reverse(page) + "?" + urlencode({"next": request.get_full_path()}))


def _is_open(request: HttpRequest) -> bool:
    if request.path_info.startswith(settings.STATIC_URL):
        return True
    try:
        return resolve(request.path_info).view_name in OPEN
    except Resolver404:
        return False
