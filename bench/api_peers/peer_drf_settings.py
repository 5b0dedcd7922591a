"""The portal's settings with a plain djangorestframework-gis view added (the usual way to serve a layer)."""

from gisportal.settings import *  # noqa: F403

ROOT_URLCONF = "peer_drf_urls"
