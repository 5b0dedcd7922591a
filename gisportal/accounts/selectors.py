"""Reads of staff accounts, scoped like the layers: a planner meets only the staff of her municipalities."""

from django.contrib.auth.models import User as StaffUser
from django.db.models import QuerySet

from gisportal.accounts import roles
from gisportal.accounts.models import Role, StaffProfile


def staff_of(user: roles.User) -> QuerySet[StaffUser]:
    """The staff accounts a user may name on a record (an assignee): every one for an administrator,
    the planners who share one of her municipalities for a planner, nobody for anyone else."""
    accounts = StaffUser.objects.filter(is_active=True, is_staff=True).order_by("username")
    role = roles.role_of(user)
    if role == Role.ADMINISTRATOR:
        return accounts
    if role != Role.PLANNER:
        return accounts.none()
    colleagues = StaffProfile.objects.filter(role=Role.PLANNER, municipalities__in=roles.municipality_ids(user))
    return accounts.filter(pk__in=colleagues.values("user"))
