"""The site engine, its ledger, capacity tracker and figures, without Home Assistant."""

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from custom_components.energy_monitor.lib.site.capacity import CapacityTracker
from custom_components.energy_monitor.lib.site.engine import (
    CounterSpec,
    SiteEngine,
    SiteInputs,
)
from custom_components.energy_monitor.lib.site.ledger import Channel, Period, Totals
from custom_components.energy_monitor.lib.site.outputs import (
    build_snapshot,
    provided_keys,
)
from custom_components.energy_monitor.lib.site.pricing import Pricer
from custom_components.energy_monitor.lib.site.tariff import Direction, parse_tariffs
from custom_components.energy_monitor.lib.site.timeline import StepTimeline
from custom_components.energy_monitor.lib.vocabulary import Key

BRUSSELS = ZoneInfo("Europe/Brussels")
HOUR = 3600.0
NOON_PEAK = {
    "mode": "schedule",
    "rates": [{"interval_start": "12:00", "interval_end": "14:00", "rate": 0.5}],
    "default_rate": 0.1,
}
SIMPLE = SiteInputs(
    counters=(
        CounterSpec("import", Channel.IMPORT),
        CounterSpec("export", Channel.EXPORT),
        CounterSpec("pv", Channel.PV),
    ),
    grid_power="grid",
)


def at(*args: int) -> float:
    """Return the instant of a Brussels wall time."""
    return datetime(*args, tzinfo=BRUSSELS).timestamp()  # type: ignore[misc]


def engine_for(
    tariffs: list[dict[str, Any]],
    inputs: SiteInputs = SIMPLE,
    created: float | None = None,
) -> SiteEngine:
    """Return an engine created at 2024-06-03 (a Monday) 08:00."""
    return SiteEngine(
        inputs,
        parse_tariffs(tariffs),
        BRUSSELS,
        at(2024, 6, 3, 8) if created is None else created,
    )


def today(engine: SiteEngine) -> Totals:
    """Return the totals shown for today."""
    return engine.ledger.shown(Period.TODAY)


def test_batched_delta_is_split_over_the_prices_it_spans() -> None:
    """3 kWh reported at 15:00 for 11:00-14:00 flowed 1 h cheap, 2 h at peak."""
    engine = engine_for([{"import": NOON_PEAK}])
    engine.counter("import", 100.0, at(2024, 6, 3, 11))
    engine.counter("import", 100.0, at(2024, 6, 3, 11))
    engine.counter("import", 103.0, at(2024, 6, 3, 14))
    assert today(engine).cost_import == pytest.approx(1 * 0.1 + 2 * 0.5)
    assert engine.pricer.span(Direction.IMPORT, at(2024, 6, 3, 13)) == (
        0.5,
        at(2024, 6, 3, 14),
    )


def test_unchanged_readings_move_the_baseline_in_time() -> None:
    """A counter re-reported at 13:00 prices the next delta after 13:00 only."""
    engine = engine_for([{"import": NOON_PEAK}])
    engine.counter("import", 100.0, at(2024, 6, 3, 9))
    engine.counter("import", 100.0, at(2024, 6, 3, 13, 30))
    engine.counter("import", 101.0, at(2024, 6, 3, 14, 30))
    assert today(engine).cost_import == pytest.approx(0.5 * 0.5 + 0.5 * 0.1)


def test_late_reading_after_midnight_stays_in_its_day() -> None:
    """A delta reported at 00:02 lands in the day it flowed; later ones in today."""
    engine = engine_for([{"import": {"mode": "fixed", "rate": 1.0}}])
    engine.counter("import", 10.0, at(2024, 6, 3, 23))
    engine.counter("import", 12.0, at(2024, 6, 4, 0, 2))
    assert today(engine).start == at(2024, 6, 3)
    engine.tick(at(2024, 6, 4, 0, 4))
    assert today(engine).imported == pytest.approx(2.0 * 60 / 62)
    engine.tick(at(2024, 6, 4, 0, 5))
    closed = engine.pop_closed()
    assert [period for period, _ in closed] == [Period.TODAY]
    assert closed[0][1].imported == pytest.approx(2.0 * 60 / 62)
    assert today(engine).start == at(2024, 6, 4)
    assert today(engine).imported == pytest.approx(2.0 * 2 / 62)
    engine.counter("import", 12.0, at(2024, 6, 5, 10))
    engine.counter("import", 13.0, at(2024, 6, 5, 10, 10))
    engine.tick(at(2024, 6, 6, 1))
    assert engine.ledger.open[Period.TODAY][0].start == at(2024, 6, 6)


def test_outage_over_days_is_counted_once_in_the_open_day() -> None:
    """Energy of days already closed is added to the shown day, never lost."""
    engine = engine_for([{"import": {"mode": "fixed", "rate": 1.0}}])
    engine.counter("import", 10.0, at(2024, 6, 3, 12))
    engine.counter("import", None, at(2024, 6, 3, 13))
    assert not engine.channel_available(Channel.IMPORT)
    engine.tick(at(2024, 6, 5, 12))
    engine.counter("import", 58.0, at(2024, 6, 5, 12))
    assert engine.channel_available(Channel.IMPORT)
    lifetime = engine.ledger.shown(Period.TOTAL)
    assert lifetime.imported == pytest.approx(48.0)
    assert today(engine).imported == pytest.approx(48.0)
    closed = {totals.start: totals for _, totals in engine.pop_closed()}
    assert closed[at(2024, 6, 3)].imported == 0.0


def test_glitches_spikes_and_a_new_meter() -> None:
    """A 0 or a dip moves nothing; a spike waits for confirmation; new meter: rebase."""
    engine = engine_for([{"import": {"mode": "fixed", "rate": 1.0}}])
    engine.counter("import", 1000.0, at(2024, 6, 3, 9))
    engine.counter("import", 0.0, at(2024, 6, 3, 9, 1))
    engine.counter("import", 999.0, at(2024, 6, 3, 9, 2))
    assert today(engine).imported == 0.0
    engine.counter("import", 1001.0, at(2024, 6, 3, 10))
    assert today(engine).imported == pytest.approx(1.0)
    engine.counter("import", 5000.0, at(2024, 6, 3, 10, 1))
    assert today(engine).imported == pytest.approx(1.0)
    engine.counter("import", 5001.0, at(2024, 6, 3, 10, 2))
    assert today(engine).imported == pytest.approx(4001.0)
    for minute in range(3, 25):
        engine.counter("import", 5.0 + minute / 100, at(2024, 6, 3, 10, minute))
    # Accepted as a new meter after 15 minutes (at 5.18): only what follows counts.
    assert today(engine).imported == pytest.approx(4001.06)
    assert engine.stats.resets == 1
    engine.counter("import", 6.24, at(2024, 6, 3, 10, 30))
    assert today(engine).imported == pytest.approx(4002.06)
    assert engine.diagnostics()["glitches"] > 0


def test_dynamic_price_unknown_at_first_is_applied_backwards() -> None:
    """Energy before the first price is held, then priced with it."""
    engine = engine_for(
        [
            {
                "import": {
                    "mode": "entity",
                    "entity_id": "price",
                    "markup": 0.1,
                    "multiplier": 2,
                }
            }
        ]
    )
    engine.counter("import", 10.0, at(2024, 6, 3, 9))
    engine.counter("import", 11.0, at(2024, 6, 3, 10))
    assert engine.stats.held == 1
    assert today(engine).imported == 0.0
    engine.entity_value("price", 0.2, at(2024, 6, 3, 10, 30))
    engine.entity_value("price", 0.4, at(2024, 6, 3, 11))
    engine.counter("import", 13.0, at(2024, 6, 3, 12))
    assert today(engine).cost_import == pytest.approx(2 * 0.6 + 1 * 1.0)
    assert engine.pricer.available(Direction.IMPORT, engine.now)
    engine.entity_value("price", None, at(2024, 6, 3, 12, 30))
    assert not engine.pricer.available(Direction.IMPORT, engine.now)
    engine.counter("import", 14.0, at(2024, 6, 3, 13))
    assert today(engine).cost_import == pytest.approx(2 * 0.6 + 2 * 1.0)
    engine.entity_value("unknown", 1.0, at(2024, 6, 3, 13))


def test_registers_by_counter_schedule_entity_and_inference() -> None:
    """Register counters price themselves; PV uses the active register."""
    registers = {"mode": "registers", "rates": {"1": 0.3, "2": 0.2}}
    inputs = SiteInputs(
        counters=(
            CounterSpec("t1", Channel.IMPORT, 1),
            CounterSpec("t2", Channel.IMPORT, 2),
            CounterSpec("e1", Channel.EXPORT, 1),
            CounterSpec("pv", Channel.PV),
        )
    )
    engine = engine_for([{"import": registers, "export": {"rate": 0.05}}], inputs)
    for name in ("t1", "t2", "e1", "pv"):
        engine.counter(name, 10.0, at(2024, 6, 3, 9))
    engine.counter("pv", 12.0, at(2024, 6, 3, 10))
    assert engine.stats.held == 1
    engine.counter("t2", 11.0, at(2024, 6, 3, 10))
    engine.counter("t1", 12.0, at(2024, 6, 3, 11))
    engine.counter("e1", 11.0, at(2024, 6, 3, 11))
    engine.counter("pv", 14.0, at(2024, 6, 3, 11))
    totals = today(engine)
    assert totals.cost_import == pytest.approx(0.2 + 0.6)
    assert totals.revenue_export == pytest.approx(0.05)
    # PV held until a register was known, then priced at register 2 (back-filled).
    assert totals.savings == pytest.approx(4.0 * 0.2 + 1.0 * (0.05 - 0.3))
    assert engine.inferred_register.last == 1.0

    total_inputs = SiteInputs(
        counters=(CounterSpec("import", Channel.IMPORT),), register_entity="tariff"
    )
    engine = engine_for([{"import": registers}], total_inputs)
    engine.counter("import", 10.0, at(2024, 6, 3, 9))
    engine.counter("import", 11.0, at(2024, 6, 3, 10))
    assert engine.stats.held == 1
    engine.entity_value("tariff", 2.0, at(2024, 6, 3, 10))
    engine.entity_value("tariff", 1.0, at(2024, 6, 3, 11))
    engine.counter("import", 13.0, at(2024, 6, 3, 12))
    assert today(engine).cost_import == pytest.approx(2 * 0.2 + 1 * 0.3)
    assert engine.pricer.available(Direction.IMPORT, engine.now)
    engine.entity_value("tariff", None, at(2024, 6, 3, 12))
    assert not engine.pricer.available(Direction.IMPORT, engine.now)
    engine.entity_value("tariff", 3.0, at(2024, 6, 3, 12))
    engine.counter("import", 14.0, at(2024, 6, 3, 13))
    assert today(engine).unpriced == pytest.approx(1.0)


def test_register_entity_not_reported_yet_holds_despite_inferred_register() -> None:
    """A configured tariff entity is waited for, whatever other counters infer."""
    registers = {"mode": "registers", "rates": {"1": 0.3, "2": 0.2}}
    inputs = SiteInputs(
        counters=(
            CounterSpec("import", Channel.IMPORT),
            CounterSpec("e1", Channel.EXPORT, 1),
        ),
        register_entity="tariff",
    )
    engine = engine_for([{"import": registers, "export": {"rate": 0.05}}], inputs)
    engine.counter("import", 10.0, at(2024, 6, 3, 9))
    engine.counter("e1", 10.0, at(2024, 6, 3, 9))
    engine.counter("e1", 11.0, at(2024, 6, 3, 10))
    engine.counter("import", 11.0, at(2024, 6, 3, 10))
    assert engine.stats.held == 1
    engine.entity_value("tariff", 2.0, at(2024, 6, 3, 10, 30))
    engine.counter("import", 12.0, at(2024, 6, 3, 11))
    assert today(engine).cost_import == pytest.approx(2 * 0.2)
    assert today(engine).unpriced == 0.0


def test_battery_and_gas() -> None:
    """Battery flows count in consumption and savings; gas has its own price."""
    inputs = SiteInputs(
        counters=(
            CounterSpec("import", Channel.IMPORT),
            CounterSpec("charge", Channel.BATTERY_CHARGE),
            CounterSpec("discharge", Channel.BATTERY_DISCHARGE),
            CounterSpec("gas", Channel.GAS),
        ),
        battery_power="battery",
    )
    engine = engine_for([{"import": {"rate": 0.3}, "gas": {"rate": 1.2}}], inputs)
    for name in ("import", "charge", "discharge", "gas"):
        engine.counter(name, 1.0, at(2024, 6, 3, 9))
    engine.counter("import", 2.0, at(2024, 6, 3, 10))
    engine.counter("charge", 3.0, at(2024, 6, 3, 10))
    engine.counter("discharge", 2.5, at(2024, 6, 3, 10))
    engine.counter("gas", 1.5, at(2024, 6, 3, 10))
    totals = today(engine)
    assert totals.consumption == pytest.approx(1.0 + 1.5 - 2.0)
    assert totals.savings == pytest.approx((1.5 - 2.0) * 0.3)
    assert totals.cost_gas == pytest.approx(0.6)
    assert totals.cost_net == pytest.approx(0.3 + 0.6)


def test_fixed_charges_and_capacity_tariff_per_day() -> None:
    """Each day is charged once when shown; the capacity part follows the peaks."""
    engine = engine_for(
        [{"import": {"rate": 0.3}, "standing_charge": 0.5, "capacity_rate": 36.6}],
        created=at(2024, 5, 31, 20),
    )
    assert today(engine).cost_standing == 0.5
    assert today(engine).cost_capacity == pytest.approx(36.6 * 2.5 / 366)
    engine.counter("import", 0.0, at(2024, 5, 31, 20))
    engine.counter("import", 1.0, at(2024, 5, 31, 20, 15))
    engine.tick(at(2024, 6, 1, 0, 6))
    engine.tick(at(2024, 6, 2, 0, 6))
    assert today(engine).start == at(2024, 6, 2)
    assert today(engine).cost_capacity == pytest.approx(36.6 * 4.0 / 366)
    engine.tick(at(2024, 6, 4, 0, 6))
    assert today(engine).cost_standing == 1.0  # 3 June arrived late: no day lost
    month = engine.ledger.shown(Period.MONTH)
    assert month.cost_standing == 2.0
    assert engine.ledger.shown(Period.TOTAL).cost_standing == 2.5
    assert engine.capacity.billed_kw(at(2024, 6, 2), 2.5) == 4.0
    assert engine.capacity.billed_kw(at(2025, 6, 2), 2.5) == 2.5


def test_capacity_tracker() -> None:
    """Quarters finish on their boundary; late energy still counts; meters seed."""
    capacity = CapacityTracker(BRUSSELS)
    start = at(2024, 6, 3, 10)
    capacity.advance(start)
    capacity.book(0.5, start + 60)
    capacity.imported_until(start + 300)
    status = capacity.status(start + 300)
    assert status.average_kw == pytest.approx(6.0)
    assert status.projected_kw(2.0) == pytest.approx((0.5 + 2.0 * 600 / 3600) * 4)
    assert status.headroom_kw(4.0, 2.0) == pytest.approx((1.0 - 0.5) * 3600 / 600 - 2)
    assert capacity.month_peak(start) is None
    capacity.advance(start + 900)
    peak = capacity.month_peak(start)
    assert peak is not None
    assert (peak.kw, peak.at) == (2.0, start)
    capacity.book(0.5, start + 899)
    assert capacity.month_peak(start).kw == 4.0  # type: ignore[union-attr]
    capacity.book(9.0, start - 3 * 86400)
    assert capacity.month_peak(start).kw == 4.0  # type: ignore[union-attr]
    capacity.meter_demand(3.0, start + 1200)
    assert capacity.status(start + 1300).average_kw == 3.0
    capacity.meter_month_peak(5.0, None, start + 1300)
    assert capacity.month_peak(start).at is None  # type: ignore[union-attr]
    capacity.meter_month_peak(4.5, start, start + 1300)
    capacity.seed_history(
        [(date(2024, 5, 1), 3.0, None), (date(2024, 6, 1), 1.0, None)]
    )
    assert capacity.billed_kw(start, 2.5) == 4.0
    assert [item["month"] for item in capacity.history(start)] == ["2024-06", "2024-05"]
    restored = CapacityTracker(BRUSSELS)
    restored.load(capacity.dump())
    assert restored.peaks == capacity.peaks
    capacity.prune_months(at(2026, 1, 1))
    assert capacity.peaks == {}
    capacity.advance(start)


def test_state_survives_storage() -> None:
    """Everything continues after dump and load; removed inputs are forgotten."""
    registers = {"mode": "registers", "rates": {"1": 0.3, "2": 0.2}}
    inputs = SiteInputs(
        counters=(
            CounterSpec("import", Channel.IMPORT),
            CounterSpec("gas", Channel.GAS),
        ),
        register_entity="tariff",
    )
    tariffs = [
        {"import": registers, "export": {"mode": "entity", "entity_id": "price"}}
    ]
    engine = engine_for(tariffs, inputs)
    engine.entity_value("tariff", 1.0, at(2024, 6, 3, 9))
    engine.entity_value("price", 0.1, at(2024, 6, 3, 9))
    engine.counter("import", 10.0, at(2024, 6, 3, 9))
    engine.counter("gas", 10.0, at(2024, 6, 3, 9))
    engine.counter("import", 11.0, at(2024, 6, 3, 10))
    stored = engine.dump()
    stored["baselines"]["removed"] = [1.0, 2.0]
    again = engine_for(tariffs, inputs, created=stored["created"])
    again.load(stored)
    again.counter("import", 12.0, at(2024, 6, 3, 11))
    assert today(again).cost_import == pytest.approx(0.6)
    assert again.register_timeline is not None
    assert again.register_timeline.last == 1.0
    assert not again.register_timeline.available
    with pytest.raises(ValueError, match="format"):
        again.load({"format": 0})
    with pytest.raises(ValueError, match="invalid"):
        again.load({"format": 1})


def test_prices_that_cannot_be_known() -> None:
    """A price entity or register that never reported has no price yet."""
    versions = parse_tariffs(
        [
            {
                "import": {"mode": "entity", "entity_id": "price"},
                "export": {"mode": "registers", "rates": {"1": 0.1}},
            }
        ]
    )
    pricer = Pricer(
        versions,
        BRUSSELS,
        {},
        register_entity=StepTimeline(),
        inferred_register=StepTimeline(),
    )
    assert pricer.span(Direction.IMPORT, 0.0) == (None, float("inf"))
    assert not pricer.available(Direction.IMPORT, 0.0)
    assert pricer.span(Direction.EXPORT, 0.0) == (None, float("inf"))
    assert pricer.span(Direction.EXPORT, 0.0, 1) == (0.1, float("inf"))
    assert pricer.entity_ids() == {"price"}
    timeline = StepTimeline()
    pricer = Pricer(
        versions,
        BRUSSELS,
        {"price": timeline},
        register_entity=None,
        inferred_register=StepTimeline(),
    )
    assert pricer.span(Direction.IMPORT, 0.0) == (None, float("inf"))


def test_timeline() -> None:
    """Values hold until the next change; the first one also before it."""
    timeline = StepTimeline()
    assert timeline.span(5.0) == (None, float("inf"))
    assert timeline.set(10.0, 1.0)
    assert not timeline.set(11.0, 1.0)
    assert timeline.set(20.0, 2.0)
    assert timeline.set(20.0, 3.0)
    assert timeline.set(15.0, 4.0)
    assert timeline.span(5.0) == (1.0, 10.0)
    assert timeline.span(16.0) == (4.0, 20.0)
    timeline.prune(17.0)
    assert timeline.dump() == [[15.0, 4.0], [20.0, 3.0]]
    timeline.load([[30.0, 5.0], ["x", 1], [1.0]])
    assert len(timeline) == 3


def test_figures_follow_the_inputs() -> None:
    """Which figures exist, when they are unavailable, and never-lower lifetimes."""
    engine = engine_for([{"import": {"rate": 0.3}, "export": {"rate": 0.1}}])
    keys = provided_keys(engine)
    assert Key.SURPLUS_POWER in keys
    assert Key.SITE_POWER not in keys
    assert Key.DEMAND_MONTH_PEAK not in keys
    assert Key.PRICE_GAS not in keys
    engine.counter("import", 10.0, at(2024, 6, 3, 9))
    engine.counter("export", 10.0, at(2024, 6, 3, 9))
    engine.counter("pv", 10.0, at(2024, 6, 3, 9))
    engine.power_reading("grid", -500.0, at(2024, 6, 3, 9))
    engine.counter("export", 11.0, at(2024, 6, 3, 10))
    snapshot = build_snapshot(engine, keys)
    assert snapshot.values[Key.SURPLUS_POWER] == 500.0
    assert snapshot.values[Key.PV_SELF_CONSUMED] == -1.0  # PV not reported yet
    assert snapshot.values[Key.SELF_CONSUMPTION_RATIO] is None
    assert snapshot.last_reset[Key.COST_IMPORT_TODAY] == at(2024, 6, 3)
    assert Key.COST_IMPORT_TOTAL not in snapshot.last_reset
    assert snapshot.attributes[Key.SELF_SUFFICIENCY_RATIO_TODAY]["exported"] == 1.0
    assert snapshot.attributes[Key.PRICE_IMPORT] == {
        "mode": "fixed",
        "next_change": None,
        "valid_from": None,
        "forecast": [
            {
                "start": "2024-06-03T10:00:00+02:00",
                "end": "2024-06-05T10:00:00+02:00",
                "price": 0.3,
            }
        ],
    }
    assert snapshot.unavailable == frozenset()
    engine.power_reading("grid", None, at(2024, 6, 3, 10))
    engine.counter("pv", 13.0, at(2024, 6, 3, 11))
    snapshot = build_snapshot(engine, keys)
    assert snapshot.values[Key.PV_SELF_CONSUMED] == 2.0
    assert Key.SURPLUS_POWER in snapshot.unavailable
    engine.counter("pv", None, at(2024, 6, 3, 11))
    snapshot = build_snapshot(engine, keys)
    assert Key.PV_SAVINGS_TODAY in snapshot.unavailable
    assert Key.COST_IMPORT_TODAY not in snapshot.unavailable


def test_power_and_capacity_figures() -> None:
    """Site power, surplus, quarter demand, projection, headroom and cost."""
    inputs = SiteInputs(
        counters=(CounterSpec("import", Channel.IMPORT), CounterSpec("pv", Channel.PV)),
        grid_power="grid",
        pv_power=("pv_power",),
        battery_power="battery",
        demand_entity="demand",
        month_peak_entity="peak",
    )
    engine = engine_for(
        [{"import": {"rate": 0.3}, "capacity_rate": 36.5, "valid_from": "2024-01-01"}],
        inputs,
    )
    keys = provided_keys(engine)
    assert Key.SITE_POWER in keys
    assert Key.CAPACITY_COST_MONTH_ESTIMATED in keys
    engine.power_reading("grid", 2000.0, at(2024, 6, 3, 10, 5))
    engine.power_reading("pv_power", 1000.0, at(2024, 6, 3, 10, 5))
    engine.power_reading("battery", -500.0, at(2024, 6, 3, 10, 5))
    engine.demand(1.5, at(2024, 6, 3, 10, 5))
    engine.month_peak(
        3.0,
        at(2024, 6, 3, 10, 5),
        at=at(2024, 6, 2, 18),
        history=[(date(2024, 5, 1), 5.0, at(2024, 5, 5, 19))],
    )
    snapshot = build_snapshot(engine, keys)
    values = snapshot.values
    assert values[Key.SITE_POWER] == 2500.0
    assert values[Key.SURPLUS_POWER] == -1500.0
    assert values[Key.DEMAND_CURRENT_QUARTER] == 1.5
    assert values[Key.DEMAND_QUARTER_PROJECTED] == pytest.approx(
        (1.5 * 300 / 3600 + 2.0 * 600 / 3600) * 4, abs=1e-4
    )
    assert values[Key.DEMAND_MONTH_PEAK] == 3.0
    assert values[Key.DEMAND_HEADROOM] == pytest.approx(
        (3.0 / 4 - 1.5 * 300 / 3600) * 3600 / 600 - 2.0, abs=1e-4
    )
    assert values[Key.CAPACITY_COST_MONTH_ESTIMATED] == pytest.approx(
        36.5 * 4.0 * 30 / 366, abs=1e-4
    )
    assert snapshot.attributes[Key.DEMAND_MONTH_PEAK]["peak_time"] == (
        "2024-06-02T18:00:00+02:00"
    )
    assert snapshot.attributes[Key.PRICE_IMPORT]["valid_from"] == "2024-01-01"
    engine.demand(None, at(2024, 6, 3, 10, 6))
    engine.month_peak(None, at(2024, 6, 3, 10, 6))
    snapshot = build_snapshot(engine, keys)
    assert Key.DEMAND_CURRENT_QUARTER in snapshot.unavailable
    assert engine.next_wakeup() == at(2024, 6, 3, 10, 15)


def test_ratios_of_a_period() -> None:
    """Self-consumption and self-sufficiency stay within 0-100 %."""
    totals = Totals(0.0, 1.0, imported=2.0, exported=1.0, produced=3.0)
    assert totals.self_consumption_ratio == pytest.approx(200 / 3)
    assert totals.self_sufficiency_ratio == pytest.approx(50.0)
    assert Totals(0.0, 1.0, exported=2.0, produced=1.0).self_consumption_ratio == 0.0
    assert Totals.load({**totals.dump(), "unknown": 1}) == totals


def test_price_forecast_follows_the_schedule_and_stays_cheap() -> None:
    """Forecast slots follow the schedule; a timeline change renews them in 5 min."""
    engine = engine_for([{"import": NOON_PEAK}])
    pricer = engine.pricer
    forecast = pricer.forecast(Direction.IMPORT, at(2024, 6, 3, 11), 6 * 3600)
    assert forecast == (
        (at(2024, 6, 3, 11), at(2024, 6, 3, 12), 0.1),
        (at(2024, 6, 3, 12), at(2024, 6, 3, 14), 0.5),
        (at(2024, 6, 3, 14), at(2024, 6, 3, 17), 0.1),
    )
    assert pricer.forecast(Direction.IMPORT, at(2024, 6, 3, 11, 30), 6 * 3600) is (
        forecast
    )
    pricer.invalidate()
    assert pricer.forecast(Direction.IMPORT, at(2024, 6, 3, 11, 2), 6 * 3600) is (
        forecast
    )
    renewed = pricer.forecast(Direction.IMPORT, at(2024, 6, 3, 11, 40), 6 * 3600)
    assert renewed[0] == (at(2024, 6, 3, 11, 40), at(2024, 6, 3, 12), 0.1)
    after_noon = pricer.forecast(Direction.IMPORT, at(2024, 6, 3, 12, 1), 3600)
    assert after_noon == ((at(2024, 6, 3, 12, 1), at(2024, 6, 3, 13, 1), 0.5),)
