import secrets

from django.contrib.auth.models import User
from django.core.management.base import BaseCommand

from gisportal.accounts.models import Role
from gisportal.accounts.services import create_staff
from gisportal.paths import VAR_DIR

# username, role, municipalities (official codes)
DEMO_STAFF = [
    ("admin", Role.ADMINISTRATOR, []),
    ("planner-tozeur", Role.PLANNER, ["6211"]),
    ("planner-beja", Role.PLANNER, ["2111"]),
    ("planner-sousse", Role.PLANNER, ["3111"]),
    ("analyst", Role.ANALYST, []),
]
LOGINS = VAR_DIR / "demo-logins.txt"


class Command(BaseCommand):
    help = "Create the demo staff accounts (once) and print their logins."

    def handle(self, *args: object, **options: object) -> None:
        if not User.objects.filter(username="admin").exists():
            lines = []
            for username, role, codes in DEMO_STAFF:
                password = secrets.token_urlsafe(9)
                create_staff(username=username, password=password, role=role, municipality_codes=codes)
                lines.append(f"{username:16} {password:14} {role.label} {' '.join(codes)}")
            LOGINS.write_text("\n".join(lines) + "\n")
            LOGINS.chmod(0o600)
        self.stdout.write(f"Staff logins for http://127.0.0.1:8000/admin/ (kept in {LOGINS}):")
        self.stdout.write(LOGINS.read_text() if LOGINS.exists() else "  (created earlier; file removed)")
