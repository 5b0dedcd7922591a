from django.apps import AppConfig


class BackupsConfig(AppConfig):
    name = "gisportal.backups"
    verbose_name = "Backups"
