"""The EV charge controller as a pure state machine, driven through traces."""

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from custom_components.energy_monitor.lib.ev.averaging import TimeWeightedAverage
from custom_components.energy_monitor.lib.ev.controller import (
    ChargeController,
    ChargerPowerEstimator,
    ChargerSettings,
    ChargingMode,
    ControllerInputs,
    Decision,
    Reading,
    Reason,
)
from custom_components.energy_monitor.lib.ev.planner import (
    PriceSlot,
    parse_price_forecast,
    plan_cheapest,
)

ZONE = ZoneInfo("Europe/Brussels")


def quick(**overrides: object) -> ChargerSettings:
    """Return settings that react within minutes (the tests' time scale)."""
    settings: dict[str, object] = {
        "start_surplus": 1400.0,
        "stop_import": 400.0,
        "averaging_window": 120.0,
        "min_on_time": 600.0,
        "min_off_time": 300.0,
        "max_switches": 12,
    }
    return ChargerSettings(**{**settings, **overrides})  # type: ignore[arg-type]


START = datetime(2026, 6, 15, 12, 0, tzinfo=ZONE)


class House:
    """A house with a relay charger; the relay follows the controller."""

    def __init__(
        self,
        settings: ChargerSettings | None = None,
        household: Callable[[datetime], float] = lambda _: -2000.0,
        charger: float = 1400.0,
    ) -> None:
        """Start at noon with the relay off."""
        self.settings = settings or quick()
        self.controller = ChargeController(self.settings, START - timedelta(seconds=1))
        self.household = household
        self.charger = charger
        self.now = START
        self.relay = False
        self.log: list[Decision] = []
        self.extra: dict[str, object] = {}
        self.feed_updates = True
        self._last_reading: Reading | None = None

    def grid(self) -> float:
        """Return the grid power the meter shows (W, + import)."""
        return self.household(self.now) + (self.charger if self.relay else 0.0)

    def step(self, seconds: float = 10.0) -> Decision:
        """Advance time, feed the meter reading, obey the decision."""
        self.now += timedelta(seconds=seconds)
        if self.feed_updates or self._last_reading is None:
            self._last_reading = Reading(self.grid(), self.now)
        inputs = ControllerInputs(
            now=self.now,
            relay_on=self.relay,
            grid_power=self._last_reading,
            **self.extra,
        )  # type: ignore[arg-type]
        decision = self.controller.update(inputs)
        if decision.relay_on is not None:
            self.relay = decision.relay_on
        self.log.append(decision)
        return decision

    def run(self, minutes: float, seconds: float = 10.0) -> list[Decision]:
        """Step for ``minutes``; return the decisions."""
        start = len(self.log)
        for _ in range(int(minutes * 60 / seconds)):
            self.step(seconds)
        return self.log[start:]


def test_sunny_starts_after_the_averaging_window_and_stays_on() -> None:
    """2 kW surplus: on once a full window is averaged, then steady."""
    house = House()
    first = house.run(1.5)
    assert all(d.relay_on is False for d in first)
    assert {d.reason for d in first} == {Reason.NO_SURPLUS}
    house.run(1)
    assert house.relay is True
    assert house.log[-1].reason is Reason.SURPLUS
    later = house.run(30)
    assert all(d.relay_on for d in later)
    # The charger's own draw is added back: the surplus stays ~2 kW.
    assert later[-1].surplus == pytest.approx(2000.0)
    assert house.controller.switches_today == 1


def test_hysteresis_and_minimum_on_time() -> None:
    """Small imports keep charging; a large one stops it after the minimum on time."""
    surplus = {"value": 2000.0}
    house = House(household=lambda _: -surplus["value"])
    house.run(3)
    assert house.relay
    surplus["value"] = 1100.0  # charging imports 300 W <= 400 W: keep going
    house.run(5)
    assert house.relay
    surplus["value"] = 500.0  # charging would import 900 W
    held = house.run(2)
    assert house.relay
    assert held[-1].reason is Reason.MIN_ON_TIME
    house.run(10)
    assert not house.relay
    assert house.log[-1].reason is Reason.NO_SURPLUS


def test_minimum_off_time_and_daily_switch_limit() -> None:
    """A returning surplus waits for the minimum off time; the cap holds."""
    surplus = {"value": 3000.0}
    settings = quick(min_on_time=60, min_off_time=300, max_switches=3)
    house = House(settings, household=lambda _: -surplus["value"])
    house.run(3)
    assert house.relay
    surplus["value"] = 0.0
    house.run(4)
    assert not house.relay
    surplus["value"] = 3000.0
    waiting = house.run(2)
    assert {d.reason for d in waiting} >= {Reason.MIN_OFF_TIME}
    house.run(5)
    assert house.relay  # switch 3
    surplus["value"] = 0.0
    house.run(4)
    assert not house.relay  # switch 4 (stops are always allowed)
    surplus["value"] = 3000.0
    house.run(10)
    assert not house.relay
    assert house.log[-1].reason is Reason.SWITCH_LIMIT
    assert house.controller.switches_today == 4


def test_stale_data_turns_the_relay_off_and_never_on() -> None:
    """A frozen meter: off after stale_after, even during the minimum on time."""
    house = House(quick(stale_after=60, min_on_time=3600))
    house.run(3)
    assert house.relay
    house.feed_updates = False
    house.run(1)
    assert house.relay  # still fresh enough
    house.run(1)
    assert not house.relay
    assert house.log[-1].reason is Reason.DATA_STALE
    house.run(10)
    assert not house.relay


def test_unavailable_input_is_stale() -> None:
    """No grid reading at all: nothing switches on; past the stale limit, off."""
    controller = ChargeController(quick(), START)
    decision = controller.update(
        ControllerInputs(now=START + timedelta(seconds=30), relay_on=False)
    )
    assert decision.relay_on is None
    assert decision.reason is Reason.WAITING_FOR_DATA
    decision = controller.update(
        ControllerInputs(now=START + timedelta(minutes=5), relay_on=False)
    )
    assert decision.relay_on is False
    assert decision.reason is Reason.DATA_STALE


def test_restart_waits_for_fresh_data() -> None:
    """After a start, readings from before it do not switch the relay."""
    controller = ChargeController(quick(), START)
    old = Reading(-3000.0, START - timedelta(seconds=5))
    for minutes in range(5):
        decision = controller.update(
            ControllerInputs(
                now=START + timedelta(seconds=10 * minutes),
                relay_on=True,
                grid_power=old,
            )
        )
        assert decision == Decision(
            relay_on=None, reason=Reason.WAITING_FOR_DATA, surplus=decision.surplus
        )
    fresh = Reading(-1600.0, START + timedelta(seconds=60))
    decision = controller.update(
        ControllerInputs(
            now=START + timedelta(seconds=61), relay_on=True, grid_power=fresh
        )
    )
    assert decision.relay_on is True


def test_restart_without_data_ends_in_the_fail_safe() -> None:
    """No fresh reading after a start: waiting only up to the stale limit, then off."""
    settings = quick()
    controller = ChargeController(settings, START)
    old = Reading(-3000.0, START - timedelta(seconds=5))

    def decide(seconds: float) -> Decision:
        return controller.update(
            ControllerInputs(
                now=START + timedelta(seconds=seconds), relay_on=True, grid_power=old
            )
        )

    assert decide(settings.stale_after - 10).reason is Reason.WAITING_FOR_DATA
    decision = decide(settings.stale_after + 10)
    assert (decision.relay_on, decision.reason) == (False, Reason.DATA_STALE)


def test_peak_guard_blocks_and_stops_charging() -> None:
    """A projected quarter-hour demand above the month's peak stops charging."""
    settings = quick(mode=ChargingMode.ON)
    house = House(settings, household=lambda _: 500.0)
    house.run(1)
    assert house.relay  # mode on ignores the guard
    settings.mode = ChargingMode.SOLAR_MIN
    settings.min_energy = 50.0
    settings.ready_by = (START + timedelta(hours=1)).time()

    def demand(quarter: float, peak: float) -> None:
        house.extra = {
            "demand_quarter": Reading(quarter, house.now + timedelta(seconds=10)),
            "month_peak": Reading(peak, house.now + timedelta(seconds=10)),
        }

    demand(1.0, 4.0)
    house.run(0.5)
    assert house.relay
    assert house.log[-1].reason is Reason.MINIMUM_ENERGY
    demand(1.9, 1.9)  # 1.9 kW so far, importing 1.9 kW: over max(1.9, 2.5)? no
    house.step()
    assert house.relay
    demand(3.0, 3.0)  # importing 1.9 kW now, 3 kW so far: fine
    house.step()
    settings.peak_limit = 1.5
    demand(1.0, 3.0)
    house.step()
    assert not house.relay
    assert house.log[-1].reason is Reason.PEAK_GUARD


def test_peak_guard_lets_export_feed_a_big_charger() -> None:
    """4 kW of export and a 3 kW charger: no import, so the guard lets it start."""
    settings = quick(charger_power=3000, start_surplus=1500, stop_import=1950)
    house = House(settings, household=lambda _: -4000.0, charger=3000.0)
    house.extra = {
        "demand_quarter": Reading(0.0, START + timedelta(hours=1)),
        "month_peak": Reading(0.0, START + timedelta(hours=1)),
    }
    house.run(3)
    assert house.relay
    assert house.log[-1].reason is Reason.SURPLUS


def test_cheap_mode_charges_in_the_cheapest_slots() -> None:
    """Cheap mode follows a plan of the cheapest hours before ready-by."""
    night = datetime(2026, 6, 15, 22, 0, tzinfo=ZONE)
    forecast = tuple(
        PriceSlot(night + timedelta(hours=h), night + timedelta(hours=h + 1), price)
        for h, price in enumerate([0.30, 0.25, 0.10, 0.08, 0.12, 0.20, 0.28, 0.35, 0.4])
    )
    settings = quick(
        mode=ChargingMode.CHEAP, min_energy=2.8, ready_by=time(7, 0), min_on_time=0
    )
    house = House(settings, household=lambda _: 300.0)
    house.now = night - timedelta(minutes=30)
    house.extra = {"price_forecast": forecast}
    house.run(30)
    plan = house.log[-1].plan
    assert [(s.start.hour, s.end.hour) for s in plan] == [(1, 2), (0, 1)][::-1]
    on_hours = set()
    for _ in range(8 * 60):
        if house.step(60).relay_on:
            on_hours.add(house.now.hour)
    assert on_hours <= {0, 1, 2}
    assert house.controller.session_energy == pytest.approx(2.8, abs=0.05)
    assert house.log[-1].reason in {Reason.TARGET_REACHED, Reason.NOT_CHEAP}


def test_cheap_mode_without_forecast_uses_recent_prices() -> None:
    """Without a forecast, the cheapest quarter of the last day's prices."""
    settings = quick(mode=ChargingMode.CHEAP, min_on_time=0, min_off_time=0)
    house = House(settings, household=lambda _: 300.0)
    decisions = []
    for minute in range(120):
        price = 0.1 if minute % 40 < 10 else 0.3
        house.extra = {"price": Reading(price, house.now)}
        decisions.append((price, house.step(60)))
    charging = {price for price, d in decisions[40:] if d.relay_on}
    assert charging == {0.1}


def test_cheap_mode_without_forecast_needs_no_grid_power() -> None:
    """Prices are remembered while the grid meter is silent."""
    settings = quick(mode=ChargingMode.CHEAP, min_on_time=0, min_off_time=0)
    house = House(settings, household=lambda _: 300.0)
    house.step()
    house.feed_updates = False
    decisions = []
    for minute in range(120):
        price = 0.3 if minute % 40 < 20 else 0.1
        house.extra = {"price": Reading(price, house.now)}
        decisions.append((price, house.step(60)))
    charging = {price for price, d in decisions[40:] if d.relay_on}
    assert charging == {0.1}


def test_cheap_mode_without_price_is_stale() -> None:
    """Cheap mode with no price at all does not charge."""
    house = House(quick(mode=ChargingMode.CHEAP), household=lambda _: 300.0)
    house.run(2)
    assert not house.relay
    assert house.log[-1].reason is Reason.DATA_STALE


def test_solar_min_reaches_the_minimum_by_ready_by() -> None:
    """No sun: grid charging starts just in time to deliver the minimum."""
    settings = quick(mode=ChargingMode.SOLAR_MIN, min_energy=1.4, ready_by=time(14, 0))
    house = House(settings, household=lambda _: 300.0)
    house.run(40, seconds=60)
    assert not house.relay  # 12:40: an hour of charging needed, 1 h 20 left
    house.run(6, seconds=60)
    assert house.relay
    assert house.log[-1].reason is Reason.MINIMUM_ENERGY
    house.run(80, seconds=60)
    assert not house.relay
    assert house.controller.session_energy == pytest.approx(0.0, abs=0.05)  # reset
    assert house.controller.energy_today == pytest.approx(1.4, abs=0.05)


def test_ready_by_just_before_midnight_ends_the_session() -> None:
    """The session ends at ready-by even when the next update is after midnight."""
    settings = quick(mode=ChargingMode.ON, ready_by=time(23, 59, 55))
    house = House(settings, household=lambda _: 300.0)
    house.now = house.now.replace(hour=23, minute=40)
    house.run(19 + 5 / 6)
    assert house.now.time() == time(23, 59, 50)
    assert house.controller.session_energy == pytest.approx(0.46, abs=0.01)
    house.step()
    assert house.controller.session_energy == pytest.approx(0.0, abs=0.01)


def test_boost_overrides_the_mode_for_its_duration() -> None:
    """Boost charges now, then the mode takes over again."""
    house = House(quick(mode=ChargingMode.OFF), household=lambda _: 300.0)
    house.run(1)
    assert not house.relay
    house.controller.boost(house.now + timedelta(minutes=20))
    house.step()
    assert house.relay
    assert house.log[-1].reason is Reason.BOOST
    house.run(25)
    assert not house.relay
    assert house.log[-1].reason is Reason.MODE_OFF
    assert house.controller.boost_until is None


def test_energy_solar_share_and_new_day() -> None:
    """Charged energy and its solar share are counted per local day."""
    surplus = {"value": 1400.0}
    house = House(quick(start_surplus=700), household=lambda _: -surplus["value"])
    house.run(62)
    energy = house.controller.energy_today
    assert energy == pytest.approx(1.4, abs=0.06)
    assert house.controller.solar_share_today == pytest.approx(100.0)
    surplus["value"] = 1050.0  # a quarter from the grid now
    house.run(60)
    assert house.controller.solar_share_today == pytest.approx(87.5, abs=1.0)
    snapshot = house.controller.snapshot()
    restored = ChargeController(quick(), house.now)
    restored.restore(snapshot)
    assert restored.energy_today == house.controller.energy_today
    assert restored.switches_today == 1
    house.now = house.now.replace(hour=23, minute=59)
    house.run(2)
    assert house.controller.energy_today < 0.1
    assert house.controller.switches_today == 0
    tomorrow = ChargeController(quick(), house.now + timedelta(days=1))
    tomorrow.restore(snapshot)
    assert tomorrow.energy_today == 0.0


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("energy", float("nan")),
        ("energy", "lots"),
        ("solar_energy", -1.0),
        ("switches", 2.5),
        ("switches", True),
        ("last_switch", "2026-06-15T11:00:00"),
        ("last_switch", 1718449200),
        ("session_end", "yesterday"),
        ("charger_power", float("inf")),
    ],
)
def test_restore_rejects_what_cannot_be_a_statistic(key: str, value: object) -> None:
    """A damaged snapshot raises, and nothing of it is restored."""
    house = House(quick(start_surplus=700), household=lambda _: -1400.0)
    house.run(20)
    snapshot = {**house.controller.snapshot(), key: value}
    restored = ChargeController(quick(), house.now)
    with pytest.raises((TypeError, ValueError)):
        restored.restore(snapshot)
    assert (restored.energy_today, restored.switches_today) == (0.0, 0)
    assert restored.last_switch is None
    assert restored.charger_power == 1400.0


def test_session_energy_ends_at_ready_by_also_across_a_restart() -> None:
    """A session whose ready-by time passed while stopped starts again at 0."""
    house = House(quick(start_surplus=700), household=lambda _: -1400.0)
    house.run(62)
    charged = house.controller.session_energy
    assert charged > 1.0
    snapshot = house.controller.snapshot()
    ready_by = house.controller.next_ready_by(house.now)
    before = ChargeController(quick(), ready_by - timedelta(minutes=1))
    before.restore(snapshot)
    assert before.session_energy == charged
    after = ChargeController(quick(), ready_by + timedelta(minutes=1))
    after.restore(snapshot)
    assert after.session_energy == 0.0


def test_charger_power_is_learned_from_the_step() -> None:
    """The grid-power step at a switch refines the configured charger power."""
    house = House(quick(charger_power=1400), charger=1800.0)
    house.controller.estimator = ChargerPowerEstimator(1400.0)
    house.run(10)
    assert house.relay
    assert house.controller.charger_power == pytest.approx(1400 * 0.7 + 1800 * 0.3)


def test_learned_power_is_forgotten_when_the_configured_power_changes() -> None:
    """A restart keeps the learned power; a new configured power replaces it."""
    house = House(quick(charger_power=1400), charger=1800.0)
    house.run(10)
    learned = house.controller.charger_power
    assert learned != 1400
    snapshot = house.controller.snapshot()
    same = ChargeController(quick(charger_power=1400), house.now)
    same.restore(snapshot)
    assert same.charger_power == learned
    bigger = ChargeController(quick(charger_power=3680), house.now)
    bigger.restore(snapshot)
    assert bigger.charger_power == 3680


def test_estimator_ignores_implausible_steps() -> None:
    """A step far from the configured power (a kettle) is not learned."""
    estimator = ChargerPowerEstimator(1400.0)
    for second in range(0, 30, 5):
        estimator.sample(second, 100.0)
    estimator.switched(30, turned_on=True)
    for second in range(30, 90, 5):
        estimator.sample(second, 100.0 + 5000.0)
    assert estimator.power == 1400.0


def test_modes_off_and_on_switch_at_once() -> None:
    """Off and on act immediately, regardless of data or timers."""
    settings = quick(mode=ChargingMode.ON, min_on_time=3600)
    house = House(settings, household=lambda _: 500.0)
    house.step()
    assert house.relay
    settings.mode = ChargingMode.OFF
    house.step()
    assert not house.relay
    assert house.log[-1].reason is Reason.MODE_OFF


def test_surplus_input_instead_of_grid_power() -> None:
    """An Energy site's surplus entity works like a grid meter."""
    controller = ChargeController(quick(), START - timedelta(seconds=1))
    relay = False
    now = START
    for _ in range(20):
        now += timedelta(seconds=10)
        decision = controller.update(
            ControllerInputs(
                now=now,
                relay_on=relay,
                surplus_power=Reading(2000.0 - (1400.0 if relay else 0.0), now),
            )
        )
        relay = bool(decision.relay_on)
    assert relay


def test_averaging_window_can_change() -> None:
    """A new averaging window applies to the next decisions."""
    house = House()
    house.settings.averaging_window = 30
    house.run(1)
    assert house.relay


def test_time_weighted_average() -> None:
    """Each sample holds until the next one."""
    average = TimeWeightedAverage()
    assert average.mean(0, 100) is None
    assert average.covered(0, 100) == 0
    average.add(0, 100.0)
    average.add(90, 0.0)
    assert average.mean(100, 100) == pytest.approx(90.0)
    assert average.mean(150, 100) == pytest.approx(40.0)
    assert average.covered(150, 100) == 100
    average.add(150, 50.0)
    assert average.mean(150, 100) == pytest.approx(40.0)
    assert average.mean(250, 100) == pytest.approx(50.0)
    single = TimeWeightedAverage()
    single.add(5, 7.0)
    assert single.mean(5, 10) == 7.0


def test_time_weighted_average_over_two_windows() -> None:
    """A short and a long window from one series; forget keeps what holds."""
    average = TimeWeightedAverage()
    for at, value in ((0, 100.0), (50, 0.0), (90, 40.0)):
        average.add(at, value)
    assert average.mean(100, 20) == pytest.approx(20.0)
    assert average.mean(100, 100) == pytest.approx(54.0)
    average.forget(60)
    assert average.mean(100, 40) == pytest.approx(10.0)
    assert average.covered(100, 100) == 50


def test_plan_cheapest() -> None:
    """The cheapest slots before the deadline, cut to what is needed."""
    base = datetime(2026, 1, 1, 0, 0, tzinfo=UTC)
    prices = [
        PriceSlot(base + timedelta(hours=h), base + timedelta(hours=h + 1), p)
        for h, p in enumerate([5.0, 1.0, 3.0, 1.0, 9.0])
    ]
    plan = plan_cheapest(prices, base, base + timedelta(hours=4), timedelta(hours=2.5))
    assert [(s.start.hour, s.end - s.start) for s in plan] == [
        (1, timedelta(hours=1)),
        (2, timedelta(hours=0.5)),
        (3, timedelta(hours=1)),
    ]
    too_much = plan_cheapest(
        prices, base, base + timedelta(hours=2), timedelta(hours=9)
    )
    assert len(too_much) == 2
    assert plan[0].as_dict()["price"] == 1.0


def test_plan_is_one_the_relay_can_follow() -> None:
    """Cut next to the plan, short gaps charged through, runs of min on time."""
    base = datetime(2026, 1, 1, 0, 0, tzinfo=UTC)

    def at(minutes: float) -> datetime:
        return base + timedelta(minutes=minutes)

    prices = [
        PriceSlot(at(0), at(60), 0.3),
        PriceSlot(at(60), at(120), 0.2),
        PriceSlot(at(120), at(175), 0.05),
        PriceSlot(at(175), at(180), 0.5),
        PriceSlot(at(180), at(240), 0.06),
        PriceSlot(at(240), at(300), 0.4),
    ]

    def runs(
        needed: float, slots: list[PriceSlot] = prices, min_on: float = 15
    ) -> list[tuple[int, int]]:
        plan = plan_cheapest(
            slots,
            base,
            at(300),
            timedelta(minutes=needed),
            min_on=timedelta(minutes=min_on),
            min_off=timedelta(minutes=10),
        )
        merged: list[tuple[int, int]] = []
        for slot in plan:
            start = int((slot.start - base).total_seconds() // 60)
            end = int((slot.end - base).total_seconds() // 60)
            if merged and merged[-1][1] == start:
                merged[-1] = (merged[-1][0], end)
            else:
                merged.append((start, end))
        return merged

    # The 5-minute dear gap is charged through and taken off the dear end;
    # the cut hour keeps its part next to the plan (85-120, trimmed to 90).
    assert runs(150) == [(90, 240)]
    # A run shorter than the minimum on time is lengthened (here backwards,
    # at the deadline).
    assert runs(5, [PriceSlot(at(240), at(300), 0.1)]) == [(240, 255)]
    late = [PriceSlot(at(0), at(280), 0.9), PriceSlot(at(280), at(300), 0.1)]
    assert runs(5, late) == [(280, 295)]
    assert runs(25, late) == [(275, 300)]
    last = [PriceSlot(at(0), at(290), 0.9), PriceSlot(at(290), at(300), 0.1)]
    assert runs(5, last) == [(285, 300)]
    # Gaps charged through are taken off the dear end; a plan of runs at the
    # minimum on time has nothing to give back.
    ends = [
        PriceSlot(at(0), at(10), 0.1),
        PriceSlot(at(10), at(15), 0.9),
        PriceSlot(at(15), at(40), 0.1),
        PriceSlot(at(40), at(60), 0.8),
    ]
    assert runs(35, ends) == [(0, 35)]
    short = [
        PriceSlot(at(0), at(15), 0.1),
        PriceSlot(at(15), at(20), 0.9),
        PriceSlot(at(20), at(35), 0.1),
    ]
    assert runs(30, short, min_on=35) == [(0, 35)]
    # A gap with no price is not charged through; nothing to trim then.
    holes = [PriceSlot(at(0), at(20), 0.1), PriceSlot(at(25), at(45), 0.1)]
    assert runs(40, holes) == [(0, 20), (25, 45)]


def test_cheap_plan_waits_out_the_minimum_off_time() -> None:
    """Re-planned after a stop, the plan starts when the relay may start."""
    settings = quick(mode=ChargingMode.CHEAP, min_energy=1.4, min_off_time=600)
    controller = ChargeController(settings, START - timedelta(minutes=1))
    forecast = (PriceSlot(START, START + timedelta(hours=3), 0.1),)
    grid = Reading(300.0, START)
    controller.update(ControllerInputs(now=START, relay_on=True, grid_power=grid))
    stopped = START + timedelta(seconds=10)
    controller.update(ControllerInputs(now=stopped, relay_on=False, grid_power=grid))
    plan = controller.plan(
        ControllerInputs(
            now=stopped, relay_on=False, grid_power=grid, price_forecast=forecast
        )
    )
    assert plan[0].start == stopped + timedelta(minutes=10)


def test_price_forecast_formats() -> None:
    """Forecasts from several integrations' attributes are understood."""
    nord_pool = {
        "raw_today": [
            {
                "start": "2026-01-01T00:00:00+01:00",
                "end": "2026-01-01T01:00:00+01:00",
                "value": 0.2,
            },
            {
                "start": "2026-01-01T01:00:00+01:00",
                "end": "2026-01-01T02:00:00+01:00",
                "value": 0.1,
            },
        ],
        "unit": "kWh",
    }
    entsoe = {
        "prices": [
            {"time": "2026-01-01T00:00:00+01:00", "price": 0.2},
            {"time": "2026-01-01T00:15:00+01:00", "price": 0.3},
            {"time": "not a time", "price": 1},
            {"time": "2026-01-01T00:30:00", "price": 1},
            "junk",
        ]
    }
    parsed = parse_price_forecast(nord_pool)
    assert [s.price for s in parsed] == [0.2, 0.1]
    slots = parse_price_forecast(entsoe)
    assert [(s.end - s.start).total_seconds() for s in slots] == [900, 3600]
    assert (
        parse_price_forecast(
            {"forecast": [{"start": datetime(2026, 1, 1, tzinfo=UTC), "price": 1}]}
        )[0].price
        == 1.0
    )
    assert parse_price_forecast({"x": 1}) == []


def test_price_forecast_without_timezone_is_skipped() -> None:
    """A slot whose start or end has no timezone cannot be planned with."""
    assert (
        parse_price_forecast(
            {
                "forecast": [
                    {"start": "2026-01-01T00:00:00", "price": 0.1},
                    {
                        "start": "2026-01-01T00:00:00+01:00",
                        "end": "2026-01-01T01:00:00",
                        "price": 0.1,
                    },
                ]
            }
        )
        == []
    )


def test_default_settings() -> None:
    """Defaults: start at 700 W surplus, stop at 900 W import over 10 minutes."""
    settings = replace(ChargerSettings(), mode=ChargingMode.CHEAP)
    assert settings.mode is ChargingMode.CHEAP
    assert (settings.start_surplus, settings.stop_import) == (700.0, 900.0)
    assert (settings.averaging_window, settings.min_on_time) == (600.0, 300.0)
    assert (settings.min_off_time, settings.max_switches) == (300.0, 16)


def default_like(**overrides: object) -> ChargerSettings:
    """Return the default thresholds and window, with short minimum times."""
    return quick(
        start_surplus=700,
        stop_import=900,
        averaging_window=600,
        min_on_time=60,
        min_off_time=60,
        **overrides,
    )


def test_a_fresh_start_rides_through_a_cloud_a_settled_one_stops() -> None:
    """Just after a start a whole charger's power of margin holds it; it fades."""
    sky = {"surplus": 1000.0}
    house = House(default_like(), household=lambda _: -sky["surplus"])
    house.run(11)
    assert house.relay
    sky["surplus"] = -500.0  # charging imports 1900 W, over the 900 W stop
    early = house.run(4)
    assert house.relay
    assert early[-1].reason is Reason.SURPLUS
    assert early[-1].surplus is not None
    assert early[-1].surplus < 500  # a settled charger would stop here
    house.run(3)
    assert not house.relay  # the margin has faded
    assert house.log[-1].reason is Reason.NO_SURPLUS
    assert house.controller.switches_today == 2


def test_a_fresh_stop_waits_for_the_sun_to_stay() -> None:
    """Just after a stop a restart needs a charger's power more; that fades too."""
    sky = {"surplus": 2000.0}
    house = House(default_like(), household=lambda _: -sky["surplus"])
    house.run(25)
    sky["surplus"] = -3000.0
    house.run(4)
    assert not house.relay
    sky["surplus"] = 2500.0
    waiting = house.run(7)
    assert not house.relay
    assert waiting[-1].reason is Reason.NO_SURPLUS
    assert waiting[-1].surplus is not None
    assert waiting[-1].surplus >= 700  # a settled stop would restart here
    house.run(1)
    assert house.relay
    assert house.log[-1].reason is Reason.SURPLUS


def test_the_last_minute_covering_the_charger_keeps_it_on() -> None:
    """An appliance drags the average under the stop level; the sun still covers."""
    sky = {"surplus": 2000.0}
    house = House(default_like(), household=lambda _: -sky["surplus"])
    house.run(30)
    assert house.relay
    sky["surplus"] = -3000.0  # the oven for almost 3 minutes
    house.run(2.8)
    assert house.relay
    sky["surplus"] = 1450.0  # the sun alone covers the charger again
    later = house.run(6)
    assert house.relay
    assert {d.reason for d in later} == {Reason.SURPLUS}
    assert min(d.surplus for d in later if d.surplus is not None) < 500
    assert house.controller.switches_today == 1


def test_a_reading_counts_as_it_arrives() -> None:
    """The decision taken on a new reading already averages it in."""
    sky = {"surplus": 2000.0}
    house = House(
        quick(averaging_window=120, start_surplus=5000),
        household=lambda _: -sky["surplus"],
    )
    house.run(2)
    sky["surplus"] = 800.0
    decision = house.step()
    # Eleven readings of 2 kW and this one, each for its 10 s.
    assert decision.surplus == pytest.approx((11 * 2000 + 800) / 12)


def test_a_reading_after_a_long_gap_counts_ahead_for_at_most_ten_seconds() -> None:
    """A sensor that reports on change: its new value is not projected a minute on."""
    sky = {"surplus": 500.0}
    house = House(
        quick(averaging_window=120, start_surplus=5000),
        household=lambda _: -sky["surplus"],
    )
    house.run(2, seconds=60)
    sky["surplus"] = 3500.0
    decision = house.step(60)
    # 110 s of 500 W and the new reading for 10 s, not 60.
    assert decision.surplus == pytest.approx((110 * 500 + 10 * 3500) / 120)
