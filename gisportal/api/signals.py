"""A saved or deleted feature drops its layer's cached tiles."""

from typing import Any

from django.db.models import Model
from django.db.models.signals import post_delete, post_save

from gisportal.api import tiles
from gisportal.api.collections import COLLECTIONS


def _layer_changed(sender: type[Model], **kwargs: Any) -> None:
    tiles.model_changed(sender)


def connect() -> None:
    for collection in COLLECTIONS.values():
        post_save.connect(_layer_changed, sender=collection.model, dispatch_uid=f"tiles-{collection.id}-save")
        post_delete.connect(_layer_changed, sender=collection.model, dispatch_uid=f"tiles-{collection.id}-delete")
