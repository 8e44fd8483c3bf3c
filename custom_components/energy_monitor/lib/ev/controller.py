"""The charge controller: a pure state machine for a relay-driven EV charger.

Call :meth:`ChargeController.update` with the current inputs (on every input
change and periodically); it returns a :class:`Decision`: whether the relay
should be on, and why. The decision is made in this order:

1. boost (charge now for N minutes) wins over everything;
2. modes ``off`` and ``on`` switch the relay at once;
3. until the inputs are fresh after a start, nothing is switched (for at most
   the stale limit: then step 4 applies);
4. stale or unavailable inputs turn the relay off in solar modes (nothing is
   ever switched on from stale data);
5. the capacity-tariff peak guard stops (and keeps from starting) charging
   that would push this quarter hour's (or the next one's) average demand
   over the month's peak;
6. the mode decides: ``solar`` charges on the averaged surplus with
   hysteresis and a margin that holds each switch for a while (the charger's
   own draw is added back while it runs; see
   :meth:`ChargeController._solar_wish`),
   ``solar_min`` also charges from the grid when the minimum energy would
   otherwise not be reached by the ready-by time, ``cheap`` charges in the
   cheapest hours before the ready-by time;
7. minimum on/off times and the daily switch limit hold the relay where it is
   (safety stops in steps 2 to 5 are never held back).
"""

from collections import deque
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from typing import Any, TypeGuard

from ..counters import is_counter_value
from ..site.calendar import HOUR, quarter_start
from ..site.capacity import QuarterStatus
from ..site.tariff import DEFAULT_CAPACITY_MINIMUM
from .averaging import TimeWeightedAverage
from .planner import PriceSlot, plan_cheapest, slot_at

SETTLE_SECONDS = 15.0
"""After a relay switch, the meter needs this long to show the new load."""
READING_LEAD_LIMIT = 10.0
"""Seconds a new reading is counted ahead of now, at most (see ``_horizon``).

Meters report every 1-10 s; a sensor that reports only on change gets no
more than this, however long its previous value held.
"""
FULL_SUN_SECONDS = 60.0
"""Solar charging goes on while the last minute's surplus covers the charger.

The car then takes nothing from the grid, however much of a passing cloud
the averaging window still holds.
"""
MINIMUM_ENERGY_MARGIN = timedelta(minutes=15)
CHEAP_PERCENTILE = 0.25
"""Without a price forecast, 'cheap' means the cheapest quarter of the last day."""
_PRICE_HISTORY = timedelta(hours=24)
ENERGY_TOLERANCE = 0.005
"""kWh below which an energy target counts as reached."""
POWER_TOLERANCE = 0.05
"""Share of the energy target a re-learned charger power may leave undone.

When a plan's slots have passed with less than this share of the target
still to charge (the charger's power was re-learned a little lower than
planned), no new slot is added: a seconds-long sliver would cost a relay
cycle of the minimum on time.
"""


class ChargingMode(StrEnum):
    """What the controller charges on."""

    OFF = "off"
    SOLAR = "solar"
    SOLAR_MIN = "solar_min"
    CHEAP = "cheap"
    ON = "on"


class Reason(StrEnum):
    """Why the relay is (or should be) where it is."""

    BOOST = "boost"
    CHEAP_SLOT = "cheap_slot"
    DATA_STALE = "data_stale"
    MIN_OFF_TIME = "min_off_time"
    MIN_ON_TIME = "min_on_time"
    MINIMUM_ENERGY = "minimum_energy"
    MODE_OFF = "mode_off"
    MODE_ON = "mode_on"
    NO_SURPLUS = "no_surplus"
    NOT_CHEAP = "not_cheap"
    PEAK_GUARD = "peak_guard"
    RELAY_UNAVAILABLE = "relay_unavailable"
    SURPLUS = "surplus"
    SWITCH_LIMIT = "switch_limit"
    TARGET_REACHED = "target_reached"
    WAITING_FOR_DATA = "waiting_for_data"


@dataclass(slots=True)
class ChargerSettings:
    """The user's settings (the select, number and time entities)."""

    mode: ChargingMode = ChargingMode.SOLAR
    charger_power: float = 1400.0
    """W; the configured value, refined by :class:`ChargerPowerEstimator`."""
    start_surplus: float = 700.0
    """W of averaged surplus (charger off) needed to start in solar modes."""
    stop_import: float = 900.0
    """W of averaged grid import (charger on) that stops solar charging."""
    averaging_window: float = 600.0
    """Seconds over which the surplus is averaged."""
    min_on_time: float = 300.0
    min_off_time: float = 300.0
    min_energy: float = 10.0
    """kWh to charge before the ready-by time (solar_min and cheap modes)."""
    ready_by: time = time(7, 0)
    max_switches: int = 16
    """Relay switches per day (on and off each count) after which nothing starts.

    Every automatic start counts (surplus, cheap hours, minimum energy); a
    start is allowed while fewer switches were made today. 16 allows eight
    charging periods a day: of the 42 days in benchmarks/ev_backtest.py
    (with ``--more-days``), the seed controller needed more on one.
    """
    stale_after: float = 90.0
    """Seconds after which an unchanged input counts as stale."""
    peak_limit: float | None = None
    """kW the quarter-hour demand must stay under; default the month's peak."""


@dataclass(frozen=True, slots=True)
class Reading:
    """A value and when its source last reported it."""

    value: float
    updated: datetime


@dataclass(frozen=True, slots=True)
class ControllerInputs:
    """Everything the controller looks at, at one moment."""

    now: datetime
    """Aware local time."""
    relay_on: bool | None
    grid_power: Reading | None = None
    """W, + import / - export."""
    surplus_power: Reading | None = None
    """W of solar surplus (used when there is no grid power input)."""
    price: Reading | None = None
    price_forecast: tuple[PriceSlot, ...] = ()
    demand_quarter: Reading | None = None
    """kW, the current quarter hour's running average (1-0:1.4.0)."""
    month_peak: Reading | None = None
    """kW, this month's highest quarter-hour average (1-0:1.6.0)."""


@dataclass(frozen=True, slots=True)
class Decision:
    """What the relay should do."""

    relay_on: bool | None
    """True/False: switch to; None: leave as it is."""
    reason: Reason
    surplus: float | None = None
    """Averaged surplus with the charger off (W), when known."""
    plan: tuple[PriceSlot, ...] = ()


@dataclass(slots=True)
class _Day:
    """Statistics of one local day."""

    day: date
    energy: float = 0.0
    solar_energy: float = 0.0
    switches: int = 0


class ChargerPowerEstimator:
    """Learn the charger's real power from the grid-power step at a switch."""

    BEFORE = 20.0
    AFTER = 30.0
    WEIGHT = 0.3

    def __init__(self, configured: float) -> None:
        """Start from the configured power (W)."""
        self.configured = configured
        self.power = configured
        self._before = TimeWeightedAverage()
        self._pending: tuple[float, float, bool] | None = None
        self._after: list[tuple[float, float]] = []

    def sample(self, at: float, grid: float) -> None:
        """Record a grid-power sample (W, + import)."""
        if self._pending is None:
            self._before.add(at, grid)
            self._before.forget(at - self.BEFORE)
            return
        switched_at, baseline, turned_on = self._pending
        if at < switched_at + SETTLE_SECONDS:
            return
        self._after.append((at, grid))
        if at >= switched_at + SETTLE_SECONDS + self.AFTER:
            after = sum(value for _, value in self._after) / len(self._after)
            step = after - baseline if turned_on else baseline - after
            if 0.5 * self.configured <= step <= 2.0 * self.configured:
                self.power = round((1 - self.WEIGHT) * self.power + self.WEIGHT * step)
            self._pending = None
            self._after = []
            self._before.clear()
            self._before.add(at, grid)

    def switched(self, at: float, *, turned_on: bool) -> None:
        """Start measuring the step of a relay switch at ``at``."""
        baseline = self._before.mean(at, self.BEFORE)
        self._after = []
        self._pending = None if baseline is None else (at, baseline, turned_on)


class ChargeController:
    """Decide the relay state; see the module docstring."""

    def __init__(self, settings: ChargerSettings, started_at: datetime) -> None:
        """Create a controller that waits for data fresher than ``started_at``."""
        self.settings = settings
        self.estimator = ChargerPowerEstimator(settings.charger_power)
        self._started_at = started_at
        self._fresh = False
        self._surplus = TimeWeightedAverage()
        self._last_sample: datetime | None = None
        self._reading_interval = 0.0
        """Seconds between the last two samples of the surplus."""
        self._window_end = 0.0
        """When the averaging windows end (a timestamp; see :meth:`_horizon`)."""
        self._relay_on: bool | None = None
        """The relay's last known state (kept while it is unavailable)."""
        self._relay_known = False
        """Whether the relay reported its state at the last update."""
        self.last_switch: datetime | None = None
        self.boost_until: datetime | None = None
        self._last_update: datetime | None = None
        self._today = _Day(started_at.date())
        self.session_energy = 0.0
        """kWh charged since the last ready-by time."""
        self._prices: deque[tuple[datetime, float]] = deque()
        self._plan: tuple[PriceSlot, ...] = ()
        self._plan_key: tuple[object, ...] | None = None
        self.last_decision = Decision(relay_on=None, reason=Reason.WAITING_FOR_DATA)

    # Statistics shown as entities.

    @property
    def energy_today(self) -> float:
        """Return the kWh charged today."""
        return round(self._today.energy, 3)

    @property
    def solar_share_today(self) -> float | None:
        """Return the share of today's charging that came from solar (%)."""
        if self._today.energy <= 0:
            return None
        return round(100 * self._today.solar_energy / self._today.energy, 1)

    @property
    def switches_today(self) -> int:
        """Return how often the relay switched today."""
        return self._today.switches

    @property
    def charger_power(self) -> float:
        """Return the charger's power (W), as learned."""
        return self.estimator.power

    def restore(self, state: dict[str, Any]) -> None:
        """Continue from :meth:`snapshot` (after a restart, same day only).

        The session's energy is kept only while its ready-by time has not
        passed; the learned charger power only while the configured power is
        the one it was learned from. A value that cannot be what it stands
        for (text for an energy, a negative or non-finite number, a time
        without a zone) raises ValueError or TypeError, and nothing is
        restored.
        """
        energy = _amount(state.get("energy", 0.0))
        solar_energy = _amount(state.get("solar_energy", 0.0))
        switches = _amount(state.get("switches", 0))
        session_energy = _amount(state.get("session_energy", 0.0))
        session_end = _moment(state.get("session_end"))
        last_switch = _moment(state.get("last_switch"))
        learned = _amount(state.get("charger_power", self.estimator.power))
        if switches != int(switches):
            raise ValueError(f"switches: {switches!r}")
        if state.get("day") == self._today.day.isoformat():
            self._today.energy = energy
            self._today.solar_energy = solar_energy
            self._today.switches = int(switches)
        if session_end is None or session_end > self._started_at:
            self.session_energy = session_energy
        if last_switch is not None:
            self.last_switch = last_switch
        if state.get("configured_power") == self.estimator.configured and learned > 0:
            self.estimator.power = learned

    def snapshot(self) -> dict[str, Any]:
        """Return what must survive a restart."""
        return {
            "day": self._today.day.isoformat(),
            "energy": self._today.energy,
            "solar_energy": self._today.solar_energy,
            "switches": self._today.switches,
            "session_energy": self.session_energy,
            "session_end": self.next_ready_by(
                self._last_update or self._started_at
            ).isoformat(),
            "last_switch": None
            if self.last_switch is None
            else self.last_switch.isoformat(),
            "charger_power": self.estimator.power,
            "configured_power": self.estimator.configured,
        }

    def boost(self, until: datetime | None) -> None:
        """Charge until ``until`` whatever the mode (None cancels)."""
        self.boost_until = until

    # The decision.

    def update(self, inputs: ControllerInputs) -> Decision:
        """Take in the inputs and return what the relay should do."""
        self._account(inputs)
        if inputs.price is not None:
            self._record_price(inputs.price, inputs.now)
        surplus = self._track_surplus(inputs)
        decision = self._decide(inputs, surplus)
        self.last_decision = decision
        return decision

    def _account(self, inputs: ControllerInputs) -> None:
        """Count charged energy and switches; roll days and sessions over."""
        now = inputs.now
        previous = self._last_update
        self._last_update = now
        # Energy counts only while the relay was known to be on: a relay that
        # is unavailable or missing may have cut the charger.
        if previous is not None and self._relay_known and self._relay_on:
            self._add_energy(inputs, max((now - previous).total_seconds(), 0.0))
        self._relay_known = inputs.relay_on is not None
        if now.date() != self._today.day:
            self._today = _Day(now.date())
        if previous is not None and self.next_ready_by(previous) <= now:
            self.session_energy = 0.0
        if inputs.relay_on is not None and inputs.relay_on != self._relay_on:
            if self._relay_on is not None:
                self._today.switches += 1
                self.last_switch = now
                self.estimator.switched(now.timestamp(), turned_on=inputs.relay_on)
            self._relay_on = inputs.relay_on

    def _add_energy(self, inputs: ControllerInputs, seconds: float) -> None:
        """Add what the charger delivered in ``seconds``, and its solar part."""
        power = self.charger_power
        energy = power * seconds / 3_600_000
        self._today.energy += energy
        self.session_energy += energy
        surplus = self._base_surplus(inputs)
        if surplus is not None:
            solar = min(max(surplus.value + power, 0.0), power)
            self._today.solar_energy += solar * seconds / 3_600_000

    @staticmethod
    def _base_surplus(inputs: ControllerInputs) -> Reading | None:
        """Return the surplus as measured (W, + export), charger included."""
        if inputs.grid_power is not None:
            return Reading(-inputs.grid_power.value, inputs.grid_power.updated)
        return inputs.surplus_power

    def _is_fresh(self, reading: Reading | None, now: datetime) -> TypeGuard[Reading]:
        """Tell whether a reading exists and is recent enough."""
        return (
            reading is not None
            and (now - reading.updated).total_seconds() <= self.settings.stale_after
        )

    def _track_surplus(self, inputs: ControllerInputs) -> float | None:
        """Average the surplus as if the charger were off; return it."""
        reading = self._base_surplus(inputs)
        now = inputs.now
        if not self._is_fresh(reading, now) or inputs.relay_on is None:
            # Stale data, or a sample that cannot be interpreted (the charger's
            # draw is unknown): the window restarts empty and must fill with
            # fresh samples before a start.
            self._surplus.clear()
            self._last_sample = None
            self._reading_interval = 0.0
            return None
        if reading.updated > self._started_at:
            self._fresh = True
        if inputs.grid_power is not None:
            self.estimator.sample(now.timestamp(), inputs.grid_power.value)
        settling = (
            self.last_switch is not None
            and (now - self.last_switch).total_seconds() < SETTLE_SECONDS
        )
        if reading.updated != self._last_sample and not settling:
            if self._last_sample is not None:
                gap = (reading.updated - self._last_sample).total_seconds()
                if gap > self.settings.stale_after:
                    self._surplus.clear()  # the old sample does not hold over it
                self._reading_interval = gap
            self._last_sample = reading.updated
            added_back = self.charger_power if self._relay_on else 0.0
            self._surplus.add(reading.updated.timestamp(), reading.value + added_back)
        window = self.settings.averaging_window
        self._surplus.forget(now.timestamp() - max(window, FULL_SUN_SECONDS))
        self._window_end = self._horizon(reading, now)
        return self._surplus.mean(self._window_end, window)

    def _horizon(self, reading: Reading, now: datetime) -> float:
        """Return when the averaging windows end (a timestamp).

        A reading holds until the next one, which is due one reporting
        interval after it (at most :data:`READING_LEAD_LIMIT`): the windows
        end then, not now, so a decision taken as a reading arrives already
        counts it (otherwise it would weigh nothing until the next reading).
        """
        lead = min(self._reading_interval, READING_LEAD_LIMIT)
        return max(now.timestamp(), reading.updated.timestamp() + lead)

    def _record_price(self, price: Reading, now: datetime) -> None:
        """Remember prices of the last day (for cheap mode without forecast)."""
        prices = self._prices
        if not prices or prices[-1] != (price.updated, price.value):
            prices.append((price.updated, price.value))
        cutoff = now - _PRICE_HISTORY
        while prices and prices[0][0] < cutoff:
            prices.popleft()

    def _decide(self, inputs: ControllerInputs, surplus: float | None) -> Decision:  # noqa: PLR0911
        """Apply the rules of the module docstring, in order."""
        settings = self.settings
        now = inputs.now
        if inputs.relay_on is None:
            # Nothing can be switched, nor told from the grid power.
            return Decision(
                relay_on=None,
                reason=Reason.WAITING_FOR_DATA
                if self._relay_on is None
                and (now - self._started_at).total_seconds() <= settings.stale_after
                else Reason.RELAY_UNAVAILABLE,
            )
        if self.boost_until is not None:
            if now < self.boost_until:
                return Decision(relay_on=True, reason=Reason.BOOST, surplus=surplus)
            self.boost_until = None
        if settings.mode is ChargingMode.OFF:
            return Decision(relay_on=False, reason=Reason.MODE_OFF, surplus=surplus)
        if settings.mode is ChargingMode.ON:
            return Decision(relay_on=True, reason=Reason.MODE_ON, surplus=surplus)
        if (
            not self._fresh
            and (now - self._started_at).total_seconds() <= settings.stale_after
        ):
            return Decision(
                relay_on=None, reason=Reason.WAITING_FOR_DATA, surplus=surplus
            )
        if settings.mode is ChargingMode.CHEAP:
            if not self._is_fresh(inputs.price, now) and not inputs.price_forecast:
                return Decision(
                    relay_on=False, reason=Reason.DATA_STALE, surplus=surplus
                )
        elif surplus is None:
            return Decision(relay_on=False, reason=Reason.DATA_STALE, surplus=surplus)
        if self._peak_at_risk(inputs):
            return Decision(relay_on=False, reason=Reason.PEAK_GUARD, surplus=surplus)
        return self._mode_decision(inputs, surplus)

    def _mode_decision(
        self, inputs: ControllerInputs, surplus: float | None
    ) -> Decision:
        """Decide by mode, then hold the relay for the timing rules."""
        settings = self.settings
        now = inputs.now
        plan: tuple[PriceSlot, ...] = ()
        if settings.mode is ChargingMode.CHEAP:
            plan = self.plan(inputs)
            if slot_at(plan, now) is not None or (
                self.remaining_energy() > 0 and self._cheap_without_forecast(inputs)
            ):
                want, reason = True, Reason.CHEAP_SLOT
            elif self.remaining_energy() <= 0 or (
                not any(slot.end > now for slot in plan) and self._within_tolerance()
            ):
                want, reason = False, Reason.TARGET_REACHED
            else:
                want, reason = False, Reason.NOT_CHEAP
        else:
            assert surplus is not None  # noqa: S101 - checked by the caller
            want, reason = self._solar_wish(surplus)
            if (
                not want
                and settings.mode is ChargingMode.SOLAR_MIN
                and self._minimum_energy_due(now)
            ):
                want, reason = True, Reason.MINIMUM_ENERGY
        return self._hold(want=want, reason=reason, now=now, surplus=surplus, plan=plan)

    def _solar_wish(self, surplus: float) -> tuple[bool, Reason]:
        """Hysteresis on the averaged surplus (W, charger off), with a fading margin.

        Charging starts when the average reaches the start surplus and stops
        when it would import more than the stop level. Each switch is held by
        a margin of the charger's (learned) power that fades to nothing over
        the averaging window: just after a start the surplus must fall a whole
        charger's power lower to stop it, just after a stop rise as much
        higher to start it again. A decision taken on a short spell of sun or
        cloud is so given time, in proportion to how recent it is, without
        a fixed dwell (the seed controller gets the same from adding the
        charger back to its whole window; benchmarks/ev_backtest.py). While
        the last :data:`FULL_SUN_SECONDS` cover the charger's whole power,
        charging goes on. A start needs a whole averaging window of data.
        The margin holds every switch, also one made by a boost, another mode
        or by hand: solar charging takes over from it as from its own.
        """
        settings = self.settings
        power = self.charger_power
        window = settings.averaging_window
        horizon = self._window_end
        since = (
            window
            if self.last_switch is None
            else horizon - self.last_switch.timestamp()
        )
        fading = min(max(1.0 - since / window, 0.0), 1.0) if window > 0 else 0.0
        margin = power * fading
        if self._relay_on:
            recent = self._surplus.mean(horizon, min(FULL_SUN_SECONDS, window))
            if (recent is not None and recent >= power) or (
                power - (surplus + margin) <= settings.stop_import
            ):
                return True, Reason.SURPLUS
            return False, Reason.NO_SURPLUS
        covered = self._surplus.covered(horizon, window) >= window
        if covered and surplus - margin >= settings.start_surplus:
            return True, Reason.SURPLUS
        return False, Reason.NO_SURPLUS

    def _hold(
        self,
        *,
        want: bool,
        reason: Reason,
        now: datetime,
        surplus: float | None,
        plan: tuple[PriceSlot, ...],
    ) -> Decision:
        """Apply minimum on/off times and the daily switch limit."""
        settings = self.settings
        relay = self._relay_on
        since = (
            None
            if self.last_switch is None
            else (now - self.last_switch).total_seconds()
        )
        if want and relay is False:
            if since is not None and since < settings.min_off_time:
                return Decision(
                    relay_on=False,
                    reason=Reason.MIN_OFF_TIME,
                    surplus=surplus,
                    plan=plan,
                )
            if self._today.switches >= settings.max_switches:
                return Decision(
                    relay_on=False,
                    reason=Reason.SWITCH_LIMIT,
                    surplus=surplus,
                    plan=plan,
                )
        if (
            not want
            and relay is True
            and since is not None
            and since < settings.min_on_time
        ):
            return Decision(
                relay_on=True, reason=Reason.MIN_ON_TIME, surplus=surplus, plan=plan
            )
        return Decision(relay_on=want, reason=reason, surplus=surplus, plan=plan)

    def _peak_at_risk(self, inputs: ControllerInputs) -> bool:
        """Tell whether charging would set a new quarter-hour demand peak."""
        now = inputs.now
        if not (
            self._is_fresh(inputs.demand_quarter, now)
            and self._is_fresh(inputs.month_peak, now)
        ):
            return False
        limit = self.settings.peak_limit or max(
            inputs.month_peak.value, DEFAULT_CAPACITY_MINIMUM
        )
        t = now.timestamp()
        start = quarter_start(t)
        quarter = QuarterStatus(
            start, inputs.demand_quarter.value * (t - start) / HOUR, t
        )
        grid = 0.0
        if self._is_fresh(inputs.grid_power, now):
            grid = inputs.grid_power.value
        if self._relay_on:
            return quarter.projected_kw(max(grid, 0.0) / 1000) > limit
        # The import once charging (export first feeds the charger). A start
        # runs into the next quarter (unless stopped), which it would fill at
        # this power from its first second: a start the guard would have to
        # stop there is never made.
        importing = max(grid + self.charger_power, 0.0) / 1000
        return quarter.projected_kw(importing) > limit or importing > limit

    # Energy targets and plans.

    def remaining_energy(self) -> float:
        """Return the kWh still to charge before the ready-by time."""
        remaining = self.settings.min_energy - self.session_energy
        return remaining if remaining > ENERGY_TOLERANCE else 0.0

    def _needed(self) -> timedelta:
        """Return how long the charger must run to deliver the remaining energy."""
        return timedelta(hours=self.remaining_energy() * 1000 / self.charger_power)

    def next_ready_by(self, now: datetime) -> datetime:
        """Return the next ready-by moment."""
        deadline = datetime.combine(now.date(), self.settings.ready_by, now.tzinfo)
        return deadline if deadline > now else deadline + timedelta(days=1)

    def _minimum_energy_due(self, now: datetime) -> bool:
        """Tell whether grid charging must start to reach the minimum energy."""
        if self.remaining_energy() <= 0:
            return False
        return self.next_ready_by(now) - now <= self._needed() + MINIMUM_ENERGY_MARGIN

    def plan(self, inputs: ControllerInputs) -> tuple[PriceSlot, ...]:
        """Return the cheapest slots that deliver the remaining energy.

        The plan is made once and then followed (the plan shown is the plan
        executed); it is made again when the forecast or a setting it depends
        on changes, or when its slots have passed with more than
        :data:`POWER_TOLERANCE` of the energy target still to charge.
        """
        now = inputs.now
        if not inputs.price_forecast or self.remaining_energy() <= 0:
            self._plan, self._plan_key = (), None
            return ()
        settings = self.settings
        deadline = self.next_ready_by(now)
        key = (
            inputs.price_forecast,
            settings.min_energy,
            deadline,
            settings.min_on_time,
            settings.min_off_time,
        )
        if key == self._plan_key and (
            any(slot.end > now for slot in self._plan) or self._within_tolerance()
        ):
            return self._plan
        start = now
        if not self._relay_on and self.last_switch is not None:
            start = max(
                now, self.last_switch + timedelta(seconds=settings.min_off_time)
            )
        self._plan = tuple(
            plan_cheapest(
                inputs.price_forecast,
                start,
                deadline,
                self._needed(),
                min_on=timedelta(seconds=settings.min_on_time),
                min_off=timedelta(seconds=settings.min_off_time),
            )
        )
        self._plan_key = key
        return self._plan

    def _within_tolerance(self) -> bool:
        """Tell whether what is left to charge is within :data:`POWER_TOLERANCE`."""
        return self.remaining_energy() <= POWER_TOLERANCE * self.settings.min_energy

    def _cheap_without_forecast(self, inputs: ControllerInputs) -> bool:
        """Without a forecast: is the price in the cheapest quarter of the day?"""
        if inputs.price_forecast or inputs.price is None or not self._prices:
            return False
        prices = sorted(value for _, value in self._prices)
        threshold = prices[int(CHEAP_PERCENTILE * (len(prices) - 1))]
        return inputs.price.value <= threshold


def _amount(value: object) -> float:
    """Return a stored amount (energy, power, count); raise ValueError if not one."""
    if not is_counter_value(value):
        raise ValueError(f"not an amount: {value!r}")
    return float(value)


def _moment(value: object) -> datetime | None:
    """Return a stored moment (None if none); raise ValueError if not one."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise TypeError(f"not a moment: {value!r}")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"a moment without a zone: {value!r}")
    return moment
