"""AC measurements of the simulated chip: RMS, real power, clipping, noise floor.

Synthetic waveforms with a known answer are sampled through the real driver
(ioctl batches, framing, sampler) from the fake chip, which converts them
bit-exact at the moment the bus would.
"""

import math

import pytest

from custom_components.energy_monitor.lib.mcp3008.channels import (
    AcVoltageChannel,
    CtChannel,
    CtType,
    LinearChannel,
    channel_from_dict,
    channel_to_dict,
)
from custom_components.energy_monitor.lib.mcp3008.chip import CHIPS, ChipModel
from custom_components.energy_monitor.lib.mcp3008.energy import EnergyIntegrator
from custom_components.energy_monitor.lib.mcp3008.monitor import (
    CURRENT,
    POWER,
    POWER_FACTOR,
    VALUE,
    VOLTAGE,
    Adc,
)
from custom_components.energy_monitor.lib.mcp3008.signal import real_power, rms_ac
from simulators.mcp3008 import FakeChip, FakeSpiIo, sine

PATH = "/dev/spidev0.0"
VREF = 3.3
BIAS = VREF / 2
AMPS_PER_VOLT = 30.0  # SCT-013-030
RATIO = 230.0 / 0.6


def _adc(chip: FakeChip) -> Adc:
    """Open the fake chip through the real driver."""
    return Adc(FakeSpiIo({PATH: chip}), PATH, CHIPS[chip.model], VREF)


def _ct(**settings: object) -> CtChannel:
    """Return CT channel 0 (an SCT-013-030 on 230 V)."""
    return CtChannel(channel=0, name="CT", **settings)  # type: ignore[arg-type]


def _current(amps: float, **waveform: object) -> object:
    """Return the pin voltage of ``amps`` RMS through the CT, mid-rail biased."""
    return sine(bias=BIAS, amplitude=amps * math.sqrt(2) / AMPS_PER_VOLT, **waveform)  # type: ignore[arg-type]


@pytest.mark.parametrize("model", list(ChipModel))
@pytest.mark.parametrize("frequency", [50.0, 60.0])
@pytest.mark.parametrize(
    ("harmonics", "noise"),
    [({}, 0.0), ({3: 0.3, 5: 0.1, 7: 0.05}, 0.0), ({3: 0.2}, 0.01)],
)
def test_rms_within_one_percent(
    model: ChipModel, frequency: float, harmonics: dict[int, float], noise: float
) -> None:
    """A biased sine with harmonics and noise: RMS within 1 % of the analytic value."""
    amps = 12.0
    chip = FakeChip(
        model,
        VREF,
        {0: _current(amps, frequency=frequency, harmonics=harmonics, noise=noise)},
    )
    report = _adc(chip).measure([_ct(frequency=frequency)])[0]
    analytic = amps * math.sqrt(1 + sum(h * h for h in harmonics.values()))
    analytic = math.hypot(analytic, noise * AMPS_PER_VOLT)
    assert report.values[CURRENT] == pytest.approx(analytic, rel=0.01)
    assert report.values[POWER] == pytest.approx(analytic * 230.0, rel=0.01)
    assert report.samples == round(10 * 4000 / frequency)
    assert report.rate == pytest.approx(4000.0)
    assert report.clipped == 0


def test_rms_formula_removes_dc() -> None:
    """sqrt(mean(x^2) - mean(x)^2): a DC offset does not change the RMS."""
    wave = [math.sin(2 * math.pi * k / 80) for k in range(800)]
    assert rms_ac([5.0 + x for x in wave]) == pytest.approx(1 / math.sqrt(2))
    assert rms_ac([]) == 0.0
    assert real_power([], [], current_at=0.5) == 0.0


@pytest.mark.parametrize(
    ("lag", "sign"), [(0.0, 1), (30.0, 1), (60.0, 1), (150.0, -1), (180.0, -1)]
)
def test_real_power_and_sign_from_a_pair(lag: float, sign: int) -> None:
    """Voltage + current with a known phase shift: P = V·I·cos φ, signed."""
    volts, amps = 230.0, 10.0
    chip = FakeChip(
        ChipModel.MCP3208,
        VREF,
        {
            1: sine(bias=BIAS, amplitude=volts / RATIO * math.sqrt(2)),
            0: _current(amps, phase_deg=-lag),
        },
    )
    voltage = AcVoltageChannel(channel=1, name="V", ratio=RATIO)
    reports = _adc(chip).measure([_ct(voltage_channel=1), voltage])
    expected = volts * amps * math.cos(math.radians(lag))
    assert reports[0].values[POWER] == pytest.approx(expected, rel=0.01, abs=5)
    assert math.copysign(1, reports[0].values[POWER]) == sign
    assert reports[0].values[POWER_FACTOR] == pytest.approx(
        math.cos(math.radians(lag)), abs=0.01
    )
    assert reports[1].values[VOLTAGE] == pytest.approx(volts, rel=0.01)


def test_phase_correction_compensates_a_transformer_shift() -> None:
    """A 4° lead of the adapter is calibrated out with phase_deg (PHASECAL)."""
    chip = FakeChip(
        ChipModel.MCP3208,
        VREF,
        {
            1: sine(bias=BIAS, amplitude=0.6 * math.sqrt(2), phase_deg=4.0),
            0: _current(10.0, phase_deg=-60.0),
        },
    )
    voltage = AcVoltageChannel(channel=1, name="V", ratio=RATIO)
    raw = _adc(chip).measure([_ct(voltage_channel=1), voltage])[0]
    fixed = _adc(chip).measure([_ct(voltage_channel=1, phase_deg=-4.0), voltage])[0]
    true = 2300 * math.cos(math.radians(60))
    assert abs(raw.values[POWER] - true) > 0.05 * true
    assert fixed.values[POWER] == pytest.approx(true, rel=0.01)


def test_clipping_is_counted() -> None:
    """A current too large for the CT's range hits the rails: counted."""
    chip = FakeChip(ChipModel.MCP3008, VREF, {0: _current(45.0)})
    report = _adc(chip).measure([_ct()])[0]
    assert report.clipped > 0
    assert report.values[CURRENT] < 45.0


def test_noise_floor() -> None:
    """Noise alone reads 0 A and 0 W; a small real current still shows."""
    quiet = FakeChip(
        ChipModel.MCP3208, VREF, {0: sine(bias=BIAS, amplitude=0, noise=0.001)}
    )
    report = _adc(quiet).measure([_ct(noise_floor=0.1)])[0]
    assert report.values == {CURRENT: 0.0, POWER: 0.0}
    small = FakeChip(ChipModel.MCP3208, VREF, {0: _current(0.5)})
    assert _adc(small).measure([_ct(noise_floor=0.1)])[0].values[
        CURRENT
    ] == pytest.approx(0.5, rel=0.03)


def test_current_output_ct_and_gain() -> None:
    """A 2000:1 CT on 22 Ω: amps = volts * 2000 / 22, times the gain."""
    amps = 20.0
    pin = amps / 2000 * 22
    chip = FakeChip(
        ChipModel.MCP3208, VREF, {0: sine(bias=BIAS, amplitude=pin * math.sqrt(2))}
    )
    ct = _ct(ct_type=CtType.CURRENT_OUTPUT, burden_ohm=22.0, turns=2000.0, gain=1.1)
    assert _adc(chip).measure([ct])[0].values[CURRENT] == pytest.approx(
        amps * 1.1, rel=0.01
    )


def test_linear_channel_and_stuck_inputs() -> None:
    """A DC input: offset + gain * volts; unwired inputs read a constant 0."""
    chip = FakeChip(ChipModel.MCP3208, VREF, {3: lambda _t: 1.25, 0: _current(5.0)})
    adc = _adc(chip)
    linear = LinearChannel(channel=3, name="T", offset=-50.0, gain=100.0, unit="°C")
    assert adc.measure([linear])[3].values[VALUE] == pytest.approx(75.0, abs=0.1)
    assert adc.stuck_channels() == [1, 2, 4, 5, 6, 7]
    adc.close()


def test_channel_settings_round_trip() -> None:
    """Stored channel dicts load back; unknown keys are ignored, bad ones refused."""
    ct = _ct(voltage_channel=1, ct_type=CtType.CURRENT_OUTPUT)
    stored = channel_to_dict(ct)
    assert stored["kind"] == "ct_current"
    assert channel_from_dict({**stored, "future": 1}) == ct
    with pytest.raises(ValueError, match="name"):
        channel_from_dict({"kind": "linear", "channel": 1})


def test_batched_and_single_transfers_agree() -> None:
    """One ioctl per sample measures the same (only slower)."""
    chip = FakeChip(ChipModel.MCP3008, VREF, {0: _current(8.0)})
    adc = _adc(chip)
    batched = adc.measure([_ct()])[0].values[CURRENT]
    adc.sampler.max_batch = 1
    single = adc.measure([_ct()])[0].values[CURRENT]
    assert single == pytest.approx(batched, rel=0.005)


def test_energy_integration() -> None:
    """Trapezoids split at zero crossings; nothing across a gap."""
    energy = EnergyIntegrator(max_gap=15.0)
    assert energy.add("a", 1000.0, 0.0) == (0.0, 0.0)
    assert energy.add("a", 1000.0, 3.6) == pytest.approx((0.001, 0.0))
    imported, exported = energy.add("a", -1000.0, 7.2)
    assert imported == pytest.approx(0.00025)
    assert exported == pytest.approx(0.00025)
    assert energy.add("a", -1000.0, 60.0) == (0.0, 0.0)
    assert energy.add("a", -1000.0, 60.0) == (0.0, 0.0)
