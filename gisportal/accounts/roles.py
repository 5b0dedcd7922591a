"""Who a user is to the portal. What each role may do is decided in `layers.selectors.scope`."""

from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.models import User as StaffUser

from gisportal.accounts.models import Role, StaffProfile

User = StaffUser | AnonymousUser


def role_of(user: User) -> Role | None:
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMINISTRATOR
    try:
        return Role(user.staff_profile.role)
    except StaffProfile.DoesNotExist:
        return None


def municipality_ids(user: User) -> set[int]:
    """The municipalities a planner is scoped to (empty for every other role)."""
    if role_of(user) != Role.PLANNER:
        return set()
    return set(user.staff_profile.municipalities.values_list("pk", flat=True))  # type: ignore[union-attr]
