"""What each role may do. The one place that answers 'may this user …?'."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

from gisportal.accounts.models import Role, StaffProfile

User = AbstractBaseUser | AnonymousUser


def role_of(user: User) -> Role | None:
    if not user.is_authenticated or not user.is_active:
        return None
    if getattr(user, "is_superuser", False):
        return Role.ADMINISTRATOR
    try:
        return Role(user.staff_profile.role)  # type: ignore[union-attr]
    except StaffProfile.DoesNotExist:
        return None


def sees_everything(user: User) -> bool:
    """Analysts read, administrators read and edit, every municipality."""
    return role_of(user) in {Role.ANALYST, Role.ADMINISTRATOR}


def can_edit_layers(user: User) -> bool:
    return role_of(user) in {Role.PLANNER, Role.ADMINISTRATOR}


def is_administrator(user: User) -> bool:
    return role_of(user) == Role.ADMINISTRATOR


def municipality_ids(user: User) -> set[int]:
    """The municipalities a planner is scoped to (empty for every other role)."""
    if role_of(user) != Role.PLANNER:
        return set()
    return set(user.staff_profile.municipalities.values_list("pk", flat=True))  # type: ignore[union-attr]
