"""An analysis result as JSON, CSV or GeoJSON text (GeoJSON when the rows carry a `geometry` column)."""

import io
import json
from decimal import Decimal
from typing import Any

from gisportal import spreadsheets
from gisportal.api.analyses import Result

FORMATS = ("json", "csv", "geojson")
CONTENT_TYPES = {"json": "application/json", "csv": "text/csv; charset=utf-8", "geojson": "application/geo+json"}


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return float(value)
    return value


def as_json(result: Result) -> str:
    rows = [
        {k: (json.loads(v) if k == "geometry" and v else _plain(v)) for k, v in row.items()}
        for row in result.as_dicts()
    ]
    return json.dumps({"columns": result.columns, "rows": rows}, default=str, ensure_ascii=False)


def as_csv(result: Result) -> str:
    out = io.StringIO()
    writer = spreadsheets.writer(out)  # names and descriptions are people's text: never a live formula
    keep = [i for i, name in enumerate(result.columns) if name != "geometry"]  # tables, not shapes
    writer.writerow([result.columns[i] for i in keep])
    for row in result.rows:
        writer.writerow([row[i] for i in keep])
    return out.getvalue()


def as_geojson(result: Result) -> str:
    if "geometry" not in result.columns:
        raise ValueError("This analysis has no geometry: export it as CSV or JSON.")
    features = []
    for row in result.as_dicts():
        geometry = row.pop("geometry")
        properties = json.dumps({k: _plain(v) for k, v in row.items()}, default=str, ensure_ascii=False)
        # The geometry is GeoJSON text from PostGIS, spliced in as it is.
        features.append(f'{{"type": "Feature", "geometry": {geometry or "null"}, "properties": {properties}}}')
    return '{"type": "FeatureCollection", "features": [' + ", ".join(features) + "]}"


def render(result: Result, output: str) -> str:
    return {"json": as_json, "csv": as_csv, "geojson": as_geojson}[output](result)
