"""A staff member's second factor: set up an authenticator app (TOTP), then give its code after each login."""

import base64
import textwrap

import segno
from django.contrib.admin.views.decorators import staff_member_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from gisportal.accounts.forms import CodeForm
from gisportal.accounts.second_factor import SESSION_FLAG


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return "/admin/"


@staff_member_required
@require_http_methods(["GET", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    """The code of her authenticator app, once per login (TOTPDevice throttles wrong codes itself)."""
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("code", _("This code is wrong or too old. Give the one your app shows now."))
        status = 400
    return render(request, "accounts/second_factor.html", {"form": form, "next": _next(request)}, status=status)


@staff_member_required
@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """A new authenticator: its key as a QR code and as text, confirmed by a first code."""
    has_one = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
    if has_one and not request.user.is_verified():  # type: ignore[union-attr]
        return redirect("accounts:second-factor")  # the code first: a stolen password alone adds no device
    device, _created = TOTPDevice.objects.get_or_create(
        user=request.user, confirmed=False, defaults={"name": _("Authenticator app")}
    )
    form = CodeForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["code"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            request.session[SESSION_FLAG] = True
            otp_login(request, device)
            return redirect(_next(request))
        form.add_error("code", _("This code is wrong or too old. Give the one your app shows now."))
        status = 400
    context = {
        "form": form,
        "next": _next(request),
        "qr": segno.make(device.config_url, error="m").svg_inline(scale=4, title=_("Key of your authenticator")),
        "key": " ".join(textwrap.wrap(base64.b32encode(device.bin_key).decode(), 4)),  # to type it in
    }
    return render(request, "accounts/second_factor_setup.html", context, status=status)
