"""A vehicle routing problem in whole units (seconds and metres for a municipality, the instance's own units for
the literature), independent of the solver: what the optimiser is given and what the feasibility check reads."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Stop:
    """A container (or a customer): its matrix index, what it fills in the truck, how long it takes."""

    id: int
    location: int
    demand: tuple[int, ...] = (0,)
    service: int = 0
    windows: tuple[tuple[int, int], ...] = ()
    priority: int = 0  # 0 to 100: when not every stop fits, the higher ones are kept
    skills: frozenset[int] = frozenset()
    # The matrix index of the disposal site its waste is unloaded at, as often as the truck fills up; none: it rides
    # to the truck's end (one trip).
    site: int | None = None


@dataclass(frozen=True)
class Truck:
    id: int
    start: int
    end: int
    capacity: tuple[int, ...]
    shift: tuple[int, int]
    skills: frozenset[int] = frozenset()
    # (earliest start, latest start, duration): the crew's breaks, taken where the truck is.
    breaks: tuple[tuple[int, int, int], ...] = ()


@dataclass
class Problem:
    name: str
    durations: list[list[int]]
    stops: list[Stop]
    trucks: list[Truck]
    # What is minimised (defaults to the durations): the literature's distances, metres on a street network.
    costs: list[list[int]] | None = None
    # Seconds a truck spends at each disposal site (by matrix index) per visit, however much it unloads there.
    unloading: dict[int, int] = field(default_factory=dict)


@dataclass
class Visit:
    stop_id: int
    arrival: int
    load_after: tuple[int, ...]


@dataclass
class Route:
    truck_id: int
    visits: list[Visit]
    start: int
    end: int
    cost: int = 0
    # (visits made before it, start time) for each break taken.
    breaks: list[tuple[int, int]] = field(default_factory=list)
    # (visits made before it, disposal site's matrix index, arrival) for each trip to a disposal site: the truck
    # unloads there every container bound for it, then carries on.
    unloads: list[tuple[int, int, int]] = field(default_factory=list)


@dataclass
class Solution:
    routes: list[Route]
    unassigned: list[int] = field(default_factory=list)
    cost: int = 0
    seconds: float = 0.0
