"""Who is calling: a session (browser), an API token (scripts, `Authorization: Token …`) or HTTP Basic (QGIS).

HTTP Basic sends the password with every request, and checking it costs a deliberately slow hash
(about a second on a loaded 2-core machine): QGIS 3.22 can only send Basic, so every tile would pay it.
Two cheap paths, neither weaker than the hash:
- the API token as the Basic password (`username:token`), looked up as a token is;
- a password verified once is remembered for `BASIC_AUTH_CACHE_SECONDS` under a keyed hash of the
  user name and password (never the password itself). A remembered credential is honoured only while
  the account's password hash and `is_active` are what they were when it was verified, so changing
  the password or deactivating the account ends it at once, in every process.
Failed attempts are never remembered: a guess always pays the full hash.
"""

import base64
import binascii
import hashlib
import hmac
from functools import cache
from typing import cast

from axes.handlers.proxy import AxesProxyHandler
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.models import User as UserModel
from django.core.cache import cache as shared_cache
from django.db import connections, router
from django.db.models import Field, ForeignObjectRel, Model, OneToOneField, QuerySet
from django.http import HttpRequest
from rest_framework.authtoken.models import Token

from gisportal.accounts import roles
from gisportal.accounts.models import StaffProfile

BASIC_AUTH_CACHE_SECONDS = 60
_CACHE_PREFIX = "api-basic:"


def _credential_key(username: str, password: str) -> str:
    digest = hmac.new(settings.SECRET_KEY.encode(), f"{username}\0{password}".encode(), hashlib.sha256)
    return _CACHE_PREFIX + digest.hexdigest()


def _account_state(user: UserModel) -> str:
    """Changes when the password or `is_active` changes (an HMAC of the password hash, as sessions use)."""
    return f"{user.get_session_auth_hash()}:{int(user.is_active)}"


def _users() -> QuerySet[UserModel]:
    # The staff profile in the same query: the role is the next thing every view asks.
    return UserModel.objects.select_related("staff_profile")


# A token, its user and her staff profile (the role is the next thing every view asks), in one row.
TOKEN_ROW: tuple[type[Model], ...] = (Token, UserModel, StaffProfile)


def _column(model: type[Model], field: str) -> str:
    return str(cast(Field, model._meta.get_field(field)).column)


@cache
def _token_sql(alias: str) -> str:
    """The token lookup's SQL, written once from the models' columns (the ORM would compile the join every time)."""
    name = connections[alias].ops.quote_name

    def columns(model: type[Model], table: str) -> str:
        return ", ".join(f"{table}.{name(str(field.column))}" for field in model._meta.concrete_fields)

    token, user, profile = (name(model._meta.db_table) for model in TOKEN_ROW)
    user_id = name(_column(UserModel, "id"))
    return (
        f"SELECT {columns(Token, 't')}, {columns(UserModel, 'u')}, {columns(StaffProfile, 'p')} "  # noqa: S608
        f"FROM {token} AS t JOIN {user} AS u ON u.{user_id} = t.{name(_column(Token, 'user'))} "
        f"LEFT JOIN {profile} AS p ON p.{name(_column(StaffProfile, 'user'))} = u.{user_id} "
        f"WHERE t.{name(_column(Token, 'key'))} = %s"
    )


def token_and_user(key: str) -> tuple[Token, UserModel] | None:
    """The token and its active user, her staff profile read with her (None for a wrong key or an inactive user)."""
    alias = router.db_for_read(Token)
    with connections[alias].cursor() as cursor:
        cursor.execute(_token_sql(alias), [key])
        row = cursor.fetchone()
    if row is None:
        return None
    made: list[Model | None] = []
    for model in TOKEN_ROW:  # as select_related makes them: each model's columns in turn
        fields = model._meta.concrete_fields
        values, row = row[: len(fields)], row[len(fields) :]
        primary_key = [field.primary_key for field in fields].index(True)
        made.append(None if values[primary_key] is None else model.from_db(alias, [f.attname for f in fields], values))
    token, user, profile = cast(Token, made[0]), cast(UserModel, made[1]), made[2]
    if not user.is_active:
        return None
    cast(OneToOneField, Token._meta.get_field("user")).set_cached_value(token, user)
    link = cast(OneToOneField, StaffProfile._meta.get_field("user"))
    cast(ForeignObjectRel, link.remote_field).set_cached_value(user, profile)  # None: she has no staff profile
    if profile is not None:
        link.set_cached_value(profile, user)
    return token, user


def _token_user(key: str) -> UserModel | None:
    found = token_and_user(key)
    return found[1] if found else None


def basic_user(request: HttpRequest, username: str, password: str) -> UserModel | None:
    """The user named in a Basic credential, by token, remembered password or (last) the password hash."""
    if len(password) == 40:  # the length of an API token: `username:token`
        user = _token_user(password)
        if user is not None and user.get_username() == username:
            return user
    key = _credential_key(username, password)
    remembered = shared_cache.get(key)
    # A locked-out account (gisportal.accounts.throttle) is refused even a password remembered before the lockout.
    if remembered is not None and AxesProxyHandler.is_allowed(request, {"username": username}):
        user_id, state = remembered
        user = _users().filter(pk=user_id).first()
        if user is not None and user.is_active and hmac.compare_digest(_account_state(user), state):
            return user
        shared_cache.delete(key)
    user = authenticate(request, username=username, password=password)
    if user is None:
        return None
    shared_cache.set(key, (user.pk, _account_state(user)), BASIC_AUTH_CACHE_SECONDS)
    return user


def request_user(request: HttpRequest) -> roles.User:
    """The caller; anonymous when no credential is given. Bad credentials also give anonymous (then a 401)."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    scheme, _, credential = header.partition(" ")
    scheme = scheme.lower()
    if scheme in {"token", "bearer"} and credential:
        user = _token_user(credential.strip())
        if user is not None:
            return user
    elif scheme == "basic" and credential:
        try:
            username, _, password = base64.b64decode(credential).decode().partition(":")
        except (binascii.Error, UnicodeDecodeError):
            return request.user
        user = basic_user(request, username, password)
        if user is not None:
            return user
    return request.user


def uses_session(request: HttpRequest) -> bool:
    """A browser session (which needs a CSRF check on writes), not a script's credential."""
    return not request.META.get("HTTP_AUTHORIZATION")
