"""A plausible, deterministic household: load and PV power at any moment.

Every value is a pure function of the time (and a seed), so a test that asks
for the same moment twice gets the same answer, and simulators that run side
by side (P1 meter, inverter) agree on the household they describe. The
simulators' clocks and their deterministic noise live here too.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
import hashlib
import math
import os
from typing import Protocol
from zoneinfo import ZoneInfo

ZONE = ZoneInfo("Europe/Brussels")
"""The simulated household's time zone."""


class GridProfile(Protocol):
    """Anything that tells the grid power (W, + import) at a moment."""

    def grid(self, moment: datetime) -> float:
        """Return the grid power at ``moment``."""
        ...


class SteppingClock:
    """A clock that moves ``step`` forward each time it is read (for tests)."""

    def __init__(self, start: datetime, step: timedelta = timedelta(seconds=1)) -> None:
        """Start at ``start``."""
        self.now = start
        self.step = step

    def __call__(self) -> datetime:
        """Return the current time, then advance."""
        moment = self.now
        self.now += self.step
        return moment


def _shift_to(hour: str | None) -> timedelta:
    """Return how far to move the clock so that it starts at ``hour`` today."""
    if not hour:
        return timedelta()
    now = datetime.now(ZONE)
    return now.replace(hour=int(hour), minute=0, second=0, microsecond=0) - now


_SHIFT = _shift_to(os.environ.get("ENERGY_MONITOR_SIMULATOR_HOUR"))
"""Set ``ENERGY_MONITOR_SIMULATOR_HOUR=12`` to see a sunny noon at any hour
(the browser check does: a sleeping inverter has no AC values to show)."""


def wall_clock() -> datetime:
    """Return the time in the household's zone (shifted, see ``_SHIFT``)."""
    return datetime.now(ZONE) + _SHIFT


def moment_noise(moment: datetime, salt: str) -> float:
    """Return a deterministic number in [0, 1) for a moment (meter details)."""
    digest = hashlib.blake2b(f"{salt}:{moment.timestamp()}".encode(), digest_size=4)
    return int.from_bytes(digest.digest(), "big") / 2**32


def _noise(seed: int, moment: datetime, salt: str) -> float:
    """Return a deterministic pseudo-random number in [0, 1) for a moment."""
    digest = hashlib.blake2b(
        f"{seed}:{salt}:{int(moment.timestamp())}".encode(), digest_size=8
    ).digest()
    return int.from_bytes(digest, "big") / 2**64


APPLIANCE_CHANCE = 0.15
"""Share of 10-minute slots in which a 2 kW appliance runs."""
APPLIANCE_MINUTES = 3


@dataclass(frozen=True, slots=True)
class HouseholdProfile:
    """Household consumption and rooftop PV production (W)."""

    seed: int = 1
    base_load: float = 180.0
    pv_peak: float = 4200.0

    def load(self, moment: datetime) -> float:
        """Return the household's consumption at ``moment`` (local time)."""
        hour = moment.hour + moment.minute / 60
        load = self.base_load
        load += 600 * math.exp(-((hour - 7.5) ** 2) / 0.8)  # breakfast
        load += 1100 * math.exp(-((hour - 19.0) ** 2) / 2.0)  # cooking, TV
        # A kettle or oven: a few minutes of 2 kW now and then.
        slot = datetime.fromtimestamp(moment.timestamp() // 600 * 600, UTC)
        if (
            _noise(self.seed, slot, "appliance") < APPLIANCE_CHANCE
            and moment.minute % 10 < APPLIANCE_MINUTES
        ):
            load += 2000
        load *= 0.9 + 0.2 * _noise(self.seed, moment, "load")
        return round(load, 1)

    def pv(self, moment: datetime) -> float:
        """Return the PV production at ``moment`` (local time)."""
        day_of_year = moment.timetuple().tm_yday
        season = 0.55 + 0.45 * math.cos(2 * math.pi * (day_of_year - 172) / 365)
        half_day = 4.0 + 4.0 * season  # hours from solar noon to sunset
        hour = moment.hour + moment.minute / 60 + moment.second / 3600
        distance = abs(hour - 13.5)
        if distance >= half_day:
            return 0.0
        clear_sky = self.pv_peak * season * math.cos(math.pi / 2 * distance / half_day)
        clouds = 0.75 + 0.25 * _noise(self.seed, moment, "clouds")
        return round(clear_sky * clouds, 1)

    def grid(self, moment: datetime) -> float:
        """Return the grid power at ``moment``: + import, - export."""
        return round(self.load(moment) - self.pv(moment), 1)
