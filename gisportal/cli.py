"""The `gisportal` command: `gisportal db …` manages the embedded cluster; anything else is manage.py."""

import os
import sys


def main() -> None:
    argv = sys.argv[1:]
    if argv[:1] == ["db"]:
        from gisportal import embedded_db

        sys.exit(embedded_db.main(argv[1:]))
    if argv and not argv[0].startswith("-"):
        # `gisportal optimise-routes` is the `optimise_routes` command: Django's names cannot hold a hyphen.
        argv[0] = argv[0].replace("-", "_")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gisportal.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["gisportal", *argv])


if __name__ == "__main__":
    main()
