"""EV charging backtest: our controller against the seed's, on real days.

A real household's 1-minute load (opengrid ``elec_power_min_1sensor.csv``,
October 2017, Brussels) plus a simulated 4 kWp PV system, for a sunny and a
cloudy day, is replayed in 10-second steps with a 1.4 kW relay charger
through:

a. our controller (``lib/ev``, default settings for a 1.4 kW charger);
b. the seed's controller (stefvra/energy_app): on above 700 W of export
   averaged over 10 minutes, off below 500 W, at least 10 s between
   switches, the charger's 1400 W added back while it runs.

A third scenario stops the meter data in the middle of a sunny afternoon:
the seed keeps the relay in its last state; ours turns it off.

For each run it prints the energy charged, the solar share of it, the grid
import while charging and the relay switches.

Run: ``.venv/bin/python benchmarks/ev_backtest.py``
"""

from collections import deque
from collections.abc import Callable, Iterator
import csv
from dataclasses import dataclass
from datetime import datetime, timedelta
import math
from pathlib import Path
import random
import sys
from zoneinfo import ZoneInfo

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from custom_components.energy_monitor.lib.ev.controller import (
    ChargeController,
    ChargerSettings,
    ControllerInputs,
    Reading,
)

DATA = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "data"
    / "seeds"
    / "opengrid"
    / "datasets_csv"
    / "elec_power_min_1sensor.csv"
)
ZONE = ZoneInfo("Europe/Brussels")
STEP = 10.0
CHARGER = 1400.0
PV_PEAK = 3000.0
"""W at noon in October for a 4 kWp roof."""
HALF_DAY = 5.0
"""Hours from solar noon to sunset in October."""
CLOUD_CHANGE = 0.06
"""Chance per 30 s that the cloud cover changes (about every 8 minutes)."""
LAST_HOUR = 20


def load_profile() -> dict[datetime, float]:
    """Return the household's power per minute (W)."""
    with DATA.open() as file:
        return {
            datetime.fromisoformat(row[0]).astimezone(ZONE): float(row[1])
            for row in csv.reader(file)
            if row and row[0] != "timestamp" and row[1]
        }


def sunny(moment: datetime) -> float:
    """Return the PV power of a clear October day."""
    hour = moment.hour + moment.minute / 60 + moment.second / 3600
    distance = abs(hour - 13.5)
    if distance >= HALF_DAY:
        return 0.0
    return PV_PEAK * math.cos(math.pi / 2 * distance / HALF_DAY)


def cloudy_factory(seed: int) -> Callable[[datetime], float]:
    """Return a PV profile with passing clouds (deterministic per seed)."""
    rng = random.Random(seed)
    shade: dict[int, float] = {}
    level = 1.0
    for slot in range(24 * 60 * 2):  # 30-second slots
        if rng.random() < CLOUD_CHANGE:
            level = rng.choice([0.15, 0.3, 0.5, 0.8, 1.0])
        shade[slot] = level

    def cloudy(moment: datetime) -> float:
        slot = (moment.hour * 3600 + moment.minute * 60 + moment.second) // 30
        return sunny(moment) * shade[slot]

    return cloudy


@dataclass
class Result:
    """What a controller did in one scenario."""

    energy: float = 0.0
    solar: float = 0.0
    switches: int = 0
    stale_on_minutes: float = 0.0

    @property
    def grid(self) -> float:
        """Return the kWh the car took from the grid."""
        return self.energy - self.solar

    @property
    def share(self) -> float:
        """Return the solar share of the charged energy (%)."""
        return 100 * self.solar / self.energy if self.energy else 0.0


class SeedController:
    """The seed's hysteresis controller (energy_app ``controllers.py``)."""

    def __init__(self) -> None:
        """Use the seed's documented thresholds."""
        self.upper = 700.0
        self.deadband = 200.0
        self.window = 600.0
        self.min_dwell = 10.0
        self.samples: deque[tuple[float, float]] = deque()
        self.on = False
        self.last_change = -1e9

    def decide(self, now: float, export: float | None) -> bool:
        """Take a sample of export (W; None when the data stopped) and decide."""
        if export is not None:
            self.samples.append((now, export))
        while self.samples and self.samples[0][0] < now - self.window:
            self.samples.popleft()
        if not self.samples:
            return self.on  # the mean is NaN: no comparison holds
        excess = sum(value for _, value in self.samples) / len(self.samples)
        if self.on:
            excess += CHARGER
        if now - self.last_change > self.min_dwell:
            if excess > self.upper and not self.on:
                self.on, self.last_change = True, now
            elif excess < self.upper - self.deadband and self.on:
                self.on, self.last_change = False, now
        return self.on


def day_moments(day: datetime) -> Iterator[datetime]:
    """Yield the moments of a day's charging window, 10 s apart."""
    moment = day.replace(hour=7)
    while moment.hour < LAST_HOUR:
        yield moment
        moment += timedelta(seconds=STEP)


def run(
    load: dict[datetime, float],
    day: datetime,
    pv: Callable[[datetime], float],
    *,
    ours: bool,
    data_stops: tuple[int, int] | None = None,
) -> Result:
    """Replay one day through one controller."""
    result = Result()
    ours_controller = ChargeController(ChargerSettings(), day - timedelta(minutes=1))
    seed = SeedController()
    relay = False
    last_reading: Reading | None = None
    for moment in day_moments(day):
        minute = moment.replace(second=0)
        house = load.get(minute, 150.0)
        solar = pv(moment)
        grid = house + (CHARGER if relay else 0.0) - solar
        stopped = (
            data_stops is not None and data_stops[0] <= moment.hour < data_stops[1]
        )
        if not stopped:
            last_reading = Reading(grid, moment)
        if ours:
            decision = ours_controller.update(
                ControllerInputs(now=moment, relay_on=relay, grid_power=last_reading)
            )
            wanted = relay if decision.relay_on is None else decision.relay_on
        else:
            wanted = seed.decide(moment.timestamp(), None if stopped else -grid)
        if wanted != relay:
            result.switches += 1
            relay = wanted
        if relay:
            hours = STEP / 3600
            from_sun = min(CHARGER, max(solar - house, 0.0))
            result.energy += CHARGER * hours / 1000
            result.solar += from_sun * hours / 1000
            if stopped:
                result.stale_on_minutes += STEP / 60
    return result


def main() -> None:
    """Run every scenario and print the comparison."""
    load = load_profile()
    scenarios = [
        ("sunny day", datetime(2017, 10, 8, tzinfo=ZONE), sunny, None),
        ("cloudy day", datetime(2017, 10, 9, tzinfo=ZONE), cloudy_factory(7), None),
        ("cloudy day 2", datetime(2017, 10, 14, tzinfo=ZONE), cloudy_factory(11), None),
        ("data stops 13-15h", datetime(2017, 10, 8, tzinfo=ZONE), sunny, (13, 15)),
    ]
    print("EV backtest: 1.4 kW relay charger, 07:00-20:00, 10 s steps")
    print(
        f"{'scenario':<18} {'controller':<10} {'energy kWh':>10} {'solar %':>8} "
        f"{'grid kWh':>9} {'switches':>9} {'on without data (min)':>22}"
    )
    for name, day, pv, stops in scenarios:
        for label, ours in (("ours", True), ("seed", False)):
            result = run(load, day, pv, ours=ours, data_stops=stops)
            print(
                f"{name:<18} {label:<10} {result.energy:>10.2f} {result.share:>8.1f} "
                f"{result.grid:>9.2f} {result.switches:>9} "
                f"{result.stale_on_minutes:>22.0f}"
            )


if __name__ == "__main__":
    main()
