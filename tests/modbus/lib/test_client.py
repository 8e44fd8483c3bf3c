"""Reading meters over real loopback sockets: transports, faults, recovery."""

from dataclasses import replace
import logging

from pymodbus.exceptions import ConnectionException
from pymodbus.pdu.register_message import ReadInputRegistersResponse
import pytest

from custom_components.energy_monitor.lib.modbus.catalog import (
    bundled_models,
    load_bundled_map,
)
from custom_components.energy_monitor.lib.modbus.client import (
    ExceptionCode,
    LinkConflictError,
    LinkPool,
    ModbusConnectionError,
    ModbusExceptionError,
    ModbusFrameError,
    ModbusLink,
    ModbusTimeoutError,
    SerialEndpoint,
    TcpEndpoint,
)
from custom_components.energy_monitor.lib.modbus.meter import (
    MeterReader,
    identity_text,
    value_of,
)
from custom_components.energy_monitor.lib.modbus.schema import (
    RegisterMap,
    RegisterType,
    ScanGroup,
    parse_map,
)
from custom_components.energy_monitor.lib.modbus.sunspec import (
    Location,
    locate_model,
    relocate,
)
from tests.modbus.helpers import StartModbus, known_values, start_stock_server

SDM630 = load_bundled_map("eastron_sdm630")
SUNSPEC = load_bundled_map("sunspec_203")


class Clock:
    """A settable monotonic clock."""

    def __init__(self) -> None:
        """Start at 0."""
        self.now = 0.0

    def __call__(self) -> float:
        """Return the time."""
        return self.now


async def test_tcp_reads_batched(start_modbus: StartModbus) -> None:
    """A meter is read with few requests and decoded exactly."""
    simulator = await start_modbus({3: SDM630})
    simulator.set_values(3, known_values(SDM630))
    link = ModbusLink(TcpEndpoint("127.0.0.1", simulator.port))
    reader = MeterReader(link, 3, SDM630)
    result = await reader.read_group(ScanGroup.FAST)
    assert result.errors == []
    assert result.values["grid_power"] == -1234.5
    assert result.values["voltage_l3"] == 233.5
    assert result.requests == 3
    assert simulator.requests == 3
    assert link.connected
    assert link.diagnostics()["requests"] == 3
    await link.close()
    assert not link.connected


@pytest.mark.parametrize("serial", [False, True])
async def test_rtu_framing(start_modbus: StartModbus, serial: bool) -> None:
    """RTU frames over TCP, and RTU on a "serial port" (a socket:// URL)."""
    simulator = await start_modbus({2: SUNSPEC}, rtu_framing=True)
    simulator.set_values(2, known_values(SUNSPEC))
    endpoint = (
        SerialEndpoint(f"socket://127.0.0.1:{simulator.port}", baudrate=19200)
        if serial
        else TcpEndpoint("127.0.0.1", simulator.port, rtu_framing=True)
    )
    link = ModbusLink(endpoint, timeout=1.0)
    reader = MeterReader(link, 2, SUNSPEC)
    fast = await reader.read_group(ScanGroup.FAST)
    slow = await reader.read_group(ScanGroup.SLOW)
    once = await reader.read_group(ScanGroup.ONCE)
    assert fast.values["grid_power"] == -1234.5
    assert fast.values["power_factor"] == 0.75
    assert fast.values["current_l1"] == 10.25
    assert slow.values["grid_elec_import"] == 12345.5
    assert once.values["serial_number"] == "SIM000002"
    assert "a_sf" not in fast.values
    await link.close()


async def test_exception_then_recovery(start_modbus: StartModbus) -> None:
    """An exception response fails its read; the next poll works again."""
    simulator = await start_modbus(SDM630)
    link = ModbusLink(TcpEndpoint("127.0.0.1", simulator.port))
    reader = MeterReader(link, 1, SDM630)
    simulator.inject("exception", code=ExceptionCode.DEVICE_FAILURE)
    result = await reader.read_group(ScanGroup.FAST)
    assert len(result.errors) == 1
    assert isinstance(result.errors[0], ModbusExceptionError)
    assert result.errors[0].code == ExceptionCode.DEVICE_FAILURE
    assert "voltage_l1" not in result.values  # its read failed
    assert "voltage_l1_l2" in result.values  # another read of the group worked
    simulator.inject("exception", count=2, code=ExceptionCode.DEVICE_BUSY)
    with pytest.raises(ModbusExceptionError):
        await reader.read_group(ScanGroup.SLOW)
    result = await reader.read_group(ScanGroup.FAST)
    assert result.errors == []
    await link.close()


async def test_timeout_and_malformed_then_recovery(start_modbus: StartModbus) -> None:
    """No answer and a garbled answer fail the read; the link keeps working."""
    simulator = await start_modbus(SDM630)
    clock = Clock()
    link = ModbusLink(
        TcpEndpoint("127.0.0.1", simulator.port), timeout=0.3, clock=clock
    )
    reader = MeterReader(link, 1, SDM630)
    simulator.inject("timeout", count=2)
    with pytest.raises(ModbusTimeoutError):
        await reader.read_group(ScanGroup.SLOW)
    simulator.inject("malformed", count=2)
    with pytest.raises((ModbusTimeoutError, ModbusFrameError, ModbusConnectionError)):
        await reader.read_group(ScanGroup.SLOW)
    for _ in range(3):
        try:
            result = await reader.read_group(ScanGroup.SLOW)
        except ModbusConnectionError:
            clock.now += 60
            continue
        break
    assert result.errors == []
    assert "grid_elec_import" in result.values
    await link.close()


async def test_gateway_drop_and_backoff(start_modbus: StartModbus) -> None:
    """A dropped gateway fails fast while backing off, then reconnects."""
    simulator = await start_modbus(SDM630)
    clock = Clock()
    link = ModbusLink(
        TcpEndpoint("127.0.0.1", simulator.port), timeout=0.5, clock=clock
    )
    reader = MeterReader(link, 1, SDM630)
    await reader.read_group(ScanGroup.SLOW)
    simulator.drop_connections()
    await simulator.stop()
    with pytest.raises(ModbusConnectionError):
        await reader.read_group(ScanGroup.SLOW)
    requests = simulator.requests
    with pytest.raises(ModbusConnectionError):
        await reader.read_group(ScanGroup.SLOW)
    with pytest.raises(ModbusConnectionError, match="retrying in"):
        await reader.read_group(ScanGroup.SLOW)
    await simulator.start()
    with pytest.raises(ModbusConnectionError, match="retrying in"):
        await reader.read_group(ScanGroup.SLOW)
    clock.now += 60
    result = await reader.read_group(ScanGroup.SLOW)
    assert result.errors == []
    assert simulator.requests > requests
    assert link.reconnects == 1
    simulator.drop_connections()
    result = await _read_retrying(reader, ScanGroup.SLOW)
    assert result.errors == []
    await link.close()


async def _read_retrying(reader: MeterReader, group: ScanGroup) -> object:
    """Read a group, retrying once when the first read hits the dropped link."""
    try:
        return await reader.read_group(group)
    except ModbusConnectionError:
        return await reader.read_group(group)


async def test_unknown_unit_and_refused_registers(start_modbus: StartModbus) -> None:
    """A gateway reports a silent unit; a meter refuses registers it lacks."""
    simulator = await start_modbus(SDM630, strict=True)
    link = ModbusLink(TcpEndpoint("127.0.0.1", simulator.port))
    with pytest.raises(ModbusExceptionError) as caught:
        await MeterReader(link, 9, SDM630).probe()
    assert caught.value.no_response
    # A strict meter refuses reads spanning unlisted registers: they are split.
    reader = MeterReader(link, 1, SDM630)
    result = await reader.read_group(ScanGroup.FAST)
    assert result.errors == []
    assert set(result.values) == {
        r.key for r in SDM630.sensors if r.scan_group is ScanGroup.FAST
    }
    # The split is remembered: the next poll reads the runs at once.
    again = await reader.read_group(ScanGroup.FAST)
    assert again.errors == []
    assert 3 < again.requests < result.requests
    # A map asking for registers the meter does not have at all.
    wrong = load_bundled_map("eaton_pxm4000")
    with pytest.raises(ModbusExceptionError) as caught:
        await MeterReader(link, 1, wrong).probe()
    assert caught.value.illegal_address
    extra, _ = parse_map(
        {
            "registers": [
                {
                    "key": "grid_power",
                    "name": "W",
                    "address": 52,
                    "register_type": "input",
                    "data_type": "FLOAT32",
                },
                {
                    "key": "ghost",
                    "name": "Ghost",
                    "address": 1000,
                    "register_type": "input",
                },
            ]
        },
        "extra",
    )
    reader = MeterReader(link, 1, extra, max_gap=0)
    assert set((await reader.probe()).values) == {"grid_power"}
    assert reader.unsupported == {"ghost"}
    assert reader.diagnostics()["unsupported"] == ["ghost"]
    assert (await reader.read_group(ScanGroup.FAST)).requests == 1
    await link.close()


async def test_two_meters_share_one_link(start_modbus: StartModbus) -> None:
    """Meters behind one gateway use one connection from the pool."""
    em24 = load_bundled_map("carlo_gavazzi_em24")
    simulator = await start_modbus({1: SDM630, 2: em24})
    pool = LinkPool()
    endpoint = TcpEndpoint("127.0.0.1", simulator.port)
    first = pool.acquire(endpoint)
    second = pool.acquire(TcpEndpoint("127.0.0.1", simulator.port))
    assert first is second
    one = await MeterReader(first, 1, SDM630).read_group(ScanGroup.FAST)
    two = await MeterReader(second, 2, em24).read_group(ScanGroup.FAST)
    assert "voltage_l1" in one.values
    assert "voltage_l1" in two.values
    assert simulator._server is not None
    assert len(simulator._server.active_connections) == 1
    with pytest.raises(LinkConflictError):
        pool.acquire(TcpEndpoint("127.0.0.1", simulator.port, rtu_framing=True))
    await pool.release(first)
    assert first.connected
    await pool.release(second)
    assert not first.connected
    await pool.release(second)  # a second release is harmless
    third = pool.acquire(endpoint)  # the last release closed the shared link
    assert third is not first
    await pool.release(third)
    serial = pool.acquire(SerialEndpoint("/dev/ttyUSB0"))
    with pytest.raises(LinkConflictError):
        pool.acquire(SerialEndpoint("/dev/ttyUSB0", baudrate=19200))
    await pool.release(serial)


async def test_cannot_connect(
    socket_enabled: None, caplog: pytest.LogCaptureFixture
) -> None:
    """Nothing listening: an error, and no new attempt while backing off."""
    caplog.set_level(logging.INFO)
    link = ModbusLink(TcpEndpoint("127.0.0.1", 1), timeout=0.5)
    with pytest.raises(ModbusConnectionError, match="cannot connect"):
        await link.read(1, RegisterType.HOLDING, 0, 1)
    with pytest.raises(ModbusConnectionError, match="retrying"):
        await link.read(1, RegisterType.HOLDING, 0, 1)
    assert link.diagnostics()["failures"] == 1
    # pymodbus' warning on every attempt is demoted: the outage is logged once
    # by whoever uses the link.
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_values_not_available() -> None:
    """Invalid markers, NaN and missing scale factors give unknown values."""
    current = SUNSPEC.register("current_l1")
    assert value_of(current, [0x8000], -2) is None  # SunSpec "not implemented"
    assert value_of(current, [1234], None) is None  # its scale factor is unknown
    assert value_of(current, [1234], -2) == 12.34
    assert value_of(SDM630.register("voltage_l1"), [0x7FC0, 0]) is None  # NaN
    assert identity_text(None) is None
    assert identity_text("") is None
    assert identity_text(22000001.0) == "22000001"
    assert identity_text("SN1") == "SN1"
    assert identity_text(1.5) == "1.5"


async def test_invalid_scale_factor(start_modbus: StartModbus) -> None:
    """A scale factor the meter marks as not implemented hides its values."""
    simulator = await start_modbus(SUNSPEC)
    simulator.set_values(1, {**known_values(SUNSPEC), "w_sf": None, "current_l2": None})
    link = ModbusLink(TcpEndpoint("127.0.0.1", simulator.port))
    result = await MeterReader(link, 1, SUNSPEC).read_group(ScanGroup.FAST)
    assert result.values["grid_power"] is None
    assert result.values["current_l2"] is None
    assert result.values["current_l1"] == 10.25
    await link.close()


def test_reader_limits() -> None:
    """Read limits come from the options, else the map, else the defaults."""
    link = ModbusLink(TcpEndpoint("127.0.0.1"))
    assert MeterReader(link, 1, SDM630).max_count == 125
    assert MeterReader(link, 1, SDM630, max_count=8, max_gap=0).max_gap == 0
    tight = RegisterMap(model="t", registers=SDM630.registers, max_count=4, max_gap=2)
    reader = MeterReader(link, 1, tight)
    assert (reader.max_count, reader.max_gap) == (4, 2)
    assert len(reader.diagnostics()["plans"]["fast"]) > 3  # type: ignore[index]
    with pytest.raises(ValueError, match="max_count"):
        MeterReader(link, 1, SDM630, max_count=200)


class StubClient:
    """A pymodbus client stand-in: scripted connects and answers."""

    def __init__(self, *, connect: object = True, answer: object = None) -> None:
        """Answer ``connect()`` and reads as scripted (exceptions are raised)."""
        self._connect = connect
        self._answer = answer
        self.connected = False

    async def connect(self) -> bool:
        """Connect, or fail as scripted."""
        if isinstance(self._connect, BaseException):
            raise self._connect
        self.connected = bool(self._connect)
        return self.connected

    async def read_input_registers(self, address: int, **kwargs: object) -> object:
        """Answer a read as scripted."""
        if isinstance(self._answer, BaseException):
            raise self._answer
        return self._answer

    def close(self) -> None:
        """Close."""
        self.connected = False


async def test_transport_errors_from_the_client() -> None:
    """Connect errors, a dropped link and short answers become our errors."""
    short = ReadInputRegistersResponse(registers=[1])
    cases: list[tuple[StubClient, type[Exception]]] = [
        (StubClient(connect=OSError("refused")), ModbusConnectionError),
        (StubClient(connect=False), ModbusConnectionError),
        (StubClient(answer=ConnectionException("gone")), ModbusConnectionError),
        (StubClient(answer=short), ModbusFrameError),
    ]
    for stub, error in cases:
        link = ModbusLink(
            SerialEndpoint("/dev/ttyUSB0"),
            client_factory=lambda _endpoint, _timeout, stub=stub: stub,  # type: ignore[misc]
        )
        with pytest.raises(error):
            await link.read(1, RegisterType.INPUT, 0, 2)
    assert SerialEndpoint("/dev/ttyUSB0").describe() == "/dev/ttyUSB0 (9600 8N1)"


async def test_sunspec_model_found_down_the_chain(start_modbus: StartModbus) -> None:
    """A meter model behind an inverter's models (SolarEdge layout) is found."""
    moved = relocate(SUNSPEC, Location(common=40121, model=40188))
    simulator = await start_modbus({1: moved})
    simulator.set_values(1, known_values(moved))
    chain = {40002: [1, 65], 40069: [101, 50], 40121: [1, 65], 40188: [203, 105]}
    for address, words in {**chain, 40295: [0xFFFF, 0]}.items():
        simulator.set_raw(1, RegisterType.HOLDING, address, words)
    link = ModbusLink(TcpEndpoint("127.0.0.1", simulator.port))
    reader = MeterReader(link, 1, SUNSPEC)
    fast = await reader.read_group(ScanGroup.FAST)
    assert fast.values["grid_power"] == -1234.5
    assert fast.values["voltage_l1"] == 231.5
    once = await reader.read_group(ScanGroup.ONCE)
    assert once.values["serial_number"] == "SIM000001"
    assert reader.register_map.register("current").address == 40190
    assert reader.register_map.register("serial_number").address == 40052 + 119
    # A device without model 203 keeps the standard addresses.
    simulator.set_raw(1, RegisterType.HOLDING, 40188, [0xFFFF, 0])
    other = MeterReader(link, 1, SUNSPEC)
    await other.read_group(ScanGroup.FAST)
    assert other.register_map is SUNSPEC
    await link.close()


async def test_sunspec_base_zero(start_modbus: StartModbus) -> None:
    """A device whose SunSpec map starts at register 0 is found there."""
    moved = relocate(SUNSPEC, Location(common=2, model=69))
    simulator = await start_modbus({1: moved}, strict=True)
    simulator.set_values(1, known_values(moved))
    for address in (40000, 40001, 40002, 40003, 40069, 40070, 40176, 40177):
        del simulator.meters[1].tables[RegisterType.HOLDING][address]
    for address, words in {0: [0x5375, 0x6E53], 2: [1, 65], 69: [203, 105]}.items():
        simulator.set_raw(1, RegisterType.HOLDING, address, words)
    link = ModbusLink(TcpEndpoint("127.0.0.1", simulator.port))
    reader = MeterReader(link, 1, SUNSPEC)
    assert (await reader.read_group(ScanGroup.FAST)).values["frequency"] == 50.5
    assert relocate(SUNSPEC, Location(40002, 40069)) is SUNSPEC
    simulator.inject("exception", code=ExceptionCode.DEVICE_BUSY)
    with pytest.raises(ModbusExceptionError):
        await MeterReader(link, 1, SUNSPEC).read_group(ScanGroup.FAST)
    await link.close()


async def test_register_type_fallback(start_modbus: StartModbus) -> None:
    """A Carlo Gavazzi meter served only as input registers is still read."""
    em24 = load_bundled_map("carlo_gavazzi_em24")
    assert em24.register_type_fallback
    as_input = RegisterMap(
        model="em24_input",
        registers=tuple(
            replace(register, register_type=RegisterType.INPUT)
            for register in em24.registers
        ),
    )
    simulator = await start_modbus({1: as_input}, strict=True)
    simulator.set_values(1, known_values(as_input))
    link = ModbusLink(TcpEndpoint("127.0.0.1", simulator.port))
    reader = MeterReader(link, 1, em24)
    assert (await reader.probe()).values["grid_power"] == -1234.5
    assert (await reader.read_group(ScanGroup.SLOW)).values[
        "grid_elec_import"
    ] == 12345.5
    # Not twice, and not once the meter answered: a missing identity stays missing.
    del simulator.meters[1].tables[RegisterType.INPUT][20480]
    assert (await reader.read_group(ScanGroup.ONCE)).values == {}
    assert (
        reader.register_map.register("grid_power").register_type is RegisterType.INPUT
    )
    # A map without the fallback does not switch.
    plain = MeterReader(link, 1, replace(em24, register_type_fallback=False))
    with pytest.raises(ModbusExceptionError):
        await plain.probe()
    await link.close()


async def test_sunspec_not_found(start_modbus: StartModbus) -> None:
    """No marker anywhere, or a chain that never ends: the model is not found."""
    simulator = await start_modbus({1: SDM630})
    link = ModbusLink(TcpEndpoint("127.0.0.1", simulator.port))
    assert await locate_model(link, 1, 203) is None
    simulator.set_raw(1, RegisterType.HOLDING, 40000, [0x5375, 0x6E53])
    assert await locate_model(link, 1, 203) is None
    await link.close()


async def test_scale_register_read_failed(start_modbus: StartModbus) -> None:
    """A value whose scale register's read failed is unknown, not misscaled."""
    register_map, _ = parse_map(
        {
            "defaults": {"data_type": "INT16"},
            "registers": [
                {
                    "key": "grid_power",
                    "name": "W",
                    "address": 0,
                    "scale_register": "sf",
                },
                {"key": "frequency", "name": "Hz", "address": 1},
                {"key": "sf", "name": "SF", "address": 100},
            ],
        },
        "split",
    )
    simulator = await start_modbus({1: register_map})
    simulator.set_values(1, {"sf": -1, "grid_power": 123.4, "frequency": 50})
    link = ModbusLink(TcpEndpoint("127.0.0.1", simulator.port))
    reader = MeterReader(link, 1, register_map, max_gap=0)
    assert (await reader.read_group(ScanGroup.FAST)).values["grid_power"] == 123.4
    simulator.inject("exception", after=1)
    result = await reader.read_group(ScanGroup.FAST)
    assert result.values == {"grid_power": None, "frequency": 50.0}
    await link.close()


@pytest.mark.parametrize("model", bundled_models())
async def test_stock_pymodbus_server(socket_enabled: None, model: str) -> None:
    """A stock pymodbus server with registers only where documented is read right.

    Independent of our simulator: the registers are pymodbus ``SimData``
    blocks, one per value, so every read spanning a gap is refused at first.
    """
    register_map = load_bundled_map(model)
    values = known_values(register_map)
    server, port = await start_stock_server({3: register_map}, {3: values})
    link = ModbusLink(TcpEndpoint("127.0.0.1", port))
    reader = MeterReader(link, 3, register_map)
    read: dict[str, object] = {}
    for group in reader.groups:
        read |= (await reader.read_group(group)).values
    await link.close()
    await server.shutdown()  # type: ignore[no-untyped-call]
    assert {
        key: read.get(key) for key in values if key not in register_map.helper_keys
    } == {
        key: value
        for key, value in values.items()
        if key not in register_map.helper_keys
    }
