from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EtlConfig(AppConfig):
    name = "etl"
    label = "etl"
    verbose_name = _("Imports and exports")

    def ready(self) -> None:
        from django.db.models.signals import pre_save

        from etl import record
        from etl.targets import TARGETS
        from layers import history_notes

        # An imported feature has no version until its first edit, which keeps the imported state first.
        for target in TARGETS.values():
            if hasattr(target.model, "history"):
                pre_save.connect(record.keep_state_before_edit, sender=target.model, dispatch_uid=f"etl-{target.name}")
        history_notes.register(record.history_notes)
