"""The offline gazetteer: GeoNames' populated places of Tunisia (fixtures/real/tn-geonames)."""

import csv
import re
from collections.abc import Iterator
from pathlib import Path

from django.contrib.gis.geos import Point
from django.db import transaction

from gisportal.complaints.models import Place
from gisportal.paths import BASE_DIR

GEONAMES_FILE = BASE_DIR / "fixtures" / "real" / "tn-geonames" / "TN.txt"
ARABIC = re.compile(r"[\u0600-\u06FF]")
POPULATED = "P"


def _arabic_name(alternatenames: str) -> str:
    """The first Arabic-script alternate name (GeoNames mixes every script in one field)."""
    return next((name for name in alternatenames.split(",") if ARABIC.search(name)), "")


def read_places(path: Path = GEONAMES_FILE) -> Iterator[Place]:
    with path.open(encoding="utf-8", newline="") as source:
        for row in csv.reader(source, delimiter="\t", quoting=csv.QUOTE_NONE):
            if len(row) < 19 or row[6] != POPULATED:
                continue
            yield Place(
                geonameid=int(row[0]),
                name=row[1][:200],
                asciiname=row[2][:200],
                name_ar=_arabic_name(row[3])[:200],
                feature_code=row[7],
                population=int(row[14] or 0),
                location=Point(float(row[5]), float(row[4]), srid=4326),
            )


@transaction.atomic
def load_places(path: Path = GEONAMES_FILE) -> int:
    """Replace the gazetteer with the file's populated places; return how many were loaded."""
    Place.objects.all().delete()
    return len(Place.objects.bulk_create(read_places(path), batch_size=1000))
