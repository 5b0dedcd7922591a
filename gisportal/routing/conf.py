"""The routing settings, from the environment with the embedded mode's defaults."""

import json
import os

# Speeds of a loaded collection truck by OpenStreetMap road class (km/h); GISPORTAL_ROAD_SPEEDS_KMH as JSON
# overrides some or all of them.
ROAD_SPEEDS_KMH: dict[str, float] = {
    "motorway": 70,
    "trunk": 60,
    "primary": 45,
    "secondary": 40,
    "tertiary": 35,
    "unclassified": 25,
    "residential": 25,
    "living_street": 10,
    "service": 15,
    "track": 10,
}
DEFAULT_ROAD_SPEED_KMH = float(os.environ.get("GISPORTAL_DEFAULT_ROAD_SPEED_KMH", "20"))
# Without a network: straight-line distance times this, driven at this speed.
DETOUR_FACTOR = float(os.environ.get("GISPORTAL_ROUTING_DETOUR_FACTOR", "1.35"))
FALLBACK_SPEED_KMH = float(os.environ.get("GISPORTAL_ROUTING_FALLBACK_SPEED_KMH", "20"))
# Diesel refuse truck, kg of CO2 per km driven (ADEME-order figure for a 19 t truck in town).
CO2_KG_PER_KM = float(os.environ.get("GISPORTAL_ROUTING_CO2_KG_PER_KM", "1.1"))
# Beyond this, a container's snap to the street is shown as doubtful.
FAR_SNAP_M = float(os.environ.get("GISPORTAL_ROUTING_FAR_SNAP_M", "150"))


def road_speeds_kmh() -> dict[str, float]:
    return {**ROAD_SPEEDS_KMH, **json.loads(os.environ.get("GISPORTAL_ROAD_SPEEDS_KMH", "{}"))}


# Household waste as it lies in a container (kg per litre): a container's weight is its load times this.
WASTE_KG_PER_LITRE = float(os.environ.get("GISPORTAL_ROUTING_WASTE_KG_PER_LITRE", "0.2"))
# A container's fill reading older than this is stale: the run's default fill applies instead.
FILL_READING_MAX_AGE_HOURS = float(os.environ.get("GISPORTAL_ROUTING_FILL_MAX_AGE_HOURS", "48"))
