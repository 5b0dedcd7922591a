import io
import json
from pathlib import Path

import jsonschema
import pytest
from PIL import Image

from gisportal.complaints.models import ApiKey
from tests.complaints.conftest import fresh_rate_limits, national_catalogue  # noqa: F401 -- shared autouse fixtures

SCHEMAS = Path(__file__).parent / "schemas"


def check(schema: str, data: object) -> None:
    """Validate a response against one of the GeoReport v2 schemas written from the spec."""
    jsonschema.validate(data, json.loads((SCHEMAS / f"{schema}.json").read_text()))


@pytest.fixture
def api_key(db) -> str:
    return ApiKey.objects.create(name="test app").key


def jpeg_with_gps(width: int = 2400, height: int = 1200) -> bytes:
    """A JPEG carrying EXIF GPS coordinates and an orientation tag (rotate 90°), as phones write them."""
    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2], gps[3], gps[4] = "N", (33.0, 55.0, 12.0), "E", (8.0, 7.0, 48.0)
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()
