"""Creating staff accounts with a role (administrators do the same in the admin)."""

from collections.abc import Iterable

from django.contrib.auth.models import User
from django.db import transaction

from gisportal.accounts.models import Role, StaffProfile
from layers.models import Municipality


@transaction.atomic
def create_staff(
    *,
    username: str,
    password: str,
    role: Role,
    municipality_codes: Iterable[str] = (),
    email: str = "",
) -> User:
    """A staff account; a planner is scoped to the municipalities given by official code."""
    codes = sorted(set(municipality_codes))
    municipalities = list(Municipality.objects.filter(code__in=codes))
    if missing := set(codes) - {m.code for m in municipalities}:
        raise ValueError(f"unknown municipality codes: {', '.join(sorted(missing))}")
    if role == Role.PLANNER and not municipalities:
        raise ValueError("a planner needs at least one municipality")
    user = User.objects.create_user(
        username=username,
        password=password,
        email=email,
        is_staff=True,
        is_superuser=role == Role.ADMINISTRATOR,
    )
    profile = StaffProfile.objects.create(user=user, role=role)
    profile.municipalities.set(municipalities)
    return user
