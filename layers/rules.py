"""The rules every stored value obeys, whoever writes it, declared once.

The admin's forms and the REST and OGC APIs (`full_clean`) apply them as the models' field validators and
`clean()`; an import applies the same declarations to whole columns (etl.mapping for numbers, etl.checks for
coordinates), so that no writer stores what another refuses and no reader meets a NaN or a
point at longitude 500.
"""

import math
from typing import Any

from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Field, Q
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

SRID = 4326
LONGITUDES = (-180, 180)
LATITUDES = (-90, 90)


@deconstructible
class NumberRange:
    """A finite number, within [low, high] where they are given: NaN and infinities measure nothing.

    Its checks work on one float and on a whole pandas column alike (an import checks a column at once).
    """

    def __init__(self, low: float | None = None, high: float | None = None) -> None:
        self.low, self.high = low, high

    def __eq__(self, other: object) -> bool:
        return isinstance(other, NumberRange) and (self.low, self.high) == (other.low, other.high)

    def refuses(self, number: Any) -> Any:
        """Whether `number` breaks the rule (elementwise on a column; a missing value is not refused)."""
        refused = (number != number) | (number == math.inf) | (number == -math.inf)
        if self.low is not None:
            refused = refused | (number < self.low)
        if self.high is not None:
            refused = refused | (number > self.high)
        return refused

    def describe(self) -> str:
        """The rule in words, for an import's report (in the import's language, as the rest of the report)."""
        if self.low is not None and self.high is not None:
            return gettext("a number between %(low)s and %(high)s") % {"low": self.low, "high": self.high}
        if self.low is not None:
            return gettext("a number of at least %(low)s") % {"low": self.low}
        if self.high is not None:
            return gettext("a number of at most %(high)s") % {"high": self.high}
        return gettext("a finite number")

    def __call__(self, value: float | None) -> None:
        if value is None or not self.refuses(float(value)):
            return
        if not math.isfinite(float(value)):
            raise ValidationError(_("Enter a finite number."), code="not_finite")
        if self.low is not None and self.high is not None:
            message = _("Enter a number between %(low)s and %(high)s.")
        elif self.low is not None:
            message = _("Enter a number of at least %(low)s.")
        else:
            message = _("Enter a number of at most %(high)s.")
        raise ValidationError(message, code="out_of_range", params={"low": self.low, "high": self.high})

    def condition(self, name: str) -> Q:
        """The rule as a CHECK on column `name` (PostgreSQL sorts NaN above every number: a range refuses it)."""
        assert self.low is not None and self.high is not None, "only a bounded range refuses NaN in SQL"
        return Q(**{f"{name}__isnull": True}) | Q(**{f"{name}__gte": self.low, f"{name}__lte": self.high})


RATE = NumberRange(0, 100)  # a share of households or people, in %
FINITE = NumberRange()


def number_rule(field: Field) -> NumberRange:
    """A numeric field's rule: its NumberRange, else Django's min and max validators read as one."""
    low = high = None
    for validator in field.validators:
        if isinstance(validator, NumberRange):
            return validator
        if isinstance(validator, MinValueValidator) and not callable(validator.limit_value):
            low = validator.limit_value if low is None else max(low, validator.limit_value)
        if isinstance(validator, MaxValueValidator) and not callable(validator.limit_value):
            high = validator.limit_value if high is None else min(high, validator.limit_value)
    return NumberRange(low, high)


def unique_where_given(field: str, name: str, message: Any) -> models.UniqueConstraint:
    """`field` unique among the rows that give it: its index holds none of the rows without one (a million
    planned containers without an OpenStreetMap node leave it empty)."""
    condition = Q(**{f"{field}__isnull": False})
    return models.UniqueConstraint(fields=[field], condition=condition, name=name, violation_error_message=message)


def geometry_problem(geometry: GEOSGeometry) -> ValidationError | None:
    """Why a geometry cannot be stored (empty, not finite, outside longitudes and latitudes, invalid), or None."""
    if geometry.empty:
        return ValidationError(_("The geometry is empty."), code="empty")
    try:
        in_degrees = geometry if geometry.srid in (None, SRID) else geometry.transform(SRID, clone=True)
    except (GEOSException, GDALException):
        return ValidationError(_("The geometry cannot be read in longitude and latitude."), code="invalid")
    try:
        west, south, east, north = in_degrees.extent
    except GEOSException:  # a NaN coordinate: GEOS cannot even box it
        west = south = east = north = math.nan
    (low_x, high_x), (low_y, high_y) = LONGITUDES, LATITUDES
    if not all(low_x <= x <= high_x for x in (west, east)) or not all(low_y <= y <= high_y for y in (south, north)):
        return ValidationError(
            _("Coordinates are longitudes between -180 and 180 and latitudes between -90 and 90."),
            code="out_of_range",
        )
    if not in_degrees.valid:
        # GEOS names the problem and where: "Self-intersection[8.13 33.92]", "Invalid Coordinate[nan 1]".
        return ValidationError(
            _("The geometry is not valid: %(reason)s."), code="invalid", params={"reason": in_degrees.valid_reason}
        )
    return None


def valid_geometry(geometry: GEOSGeometry | None) -> None:
    """Field validator: a geometry any reader can draw and measure."""
    if geometry is not None and (problem := geometry_problem(geometry)) is not None:
        raise problem
