"""Modbus energy meters behind a gateway, served by a pymodbus server.

:class:`ModbusMeterSimulator` serves any register map (bundled or custom) on a
loopback port, one meter per unit ID, like an RS485 gateway with several
meters behind it. Values are encoded exactly as the map says (data type,
word and byte order, scale, SunSpec scale factors), so what a client decodes
is what the simulator was given:

* live values (or, with ``live=False``, one frozen moment of them) follow
  :class:`~simulators.profile.HouseholdProfile`: grid
  power split over three phases, plausible voltage, current, power factor
  and frequency, and energy counters that integrate the power;
* :meth:`ModbusMeterSimulator.set_values` pins known values (tests);
* ``delay`` adds an artificial time per request (benchmarks);
* :meth:`ModbusMeterSimulator.inject` spoils the next requests: an exception
  code, no answer (``timeout``) or a garbled frame (``malformed``);
  :meth:`ModbusMeterSimulator.drop_connections` drops every client.

``strict`` makes a meter refuse reads of registers its map does not list
(exception 2), as many real meters do; otherwise such registers read 0.

Run ``python -m simulators.modbus --model eastron_sdm630`` to start one by
hand.
"""

import argparse
import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
import math

from pymodbus import FramerType
from pymodbus.constants import ExcCodes
from pymodbus.datastore import ModbusServerContext
from pymodbus.exceptions import NoSuchIdException
from pymodbus.server import ModbusTcpServer

from custom_components.energy_monitor.lib.modbus.catalog import (
    bundled_models,
    load_bundled_map,
)
from custom_components.energy_monitor.lib.modbus.registers import (
    FLOAT_TYPES,
    DataType,
    encode,
    unsigned,
)
from custom_components.energy_monitor.lib.modbus.schema import (
    Register,
    RegisterMap,
    RegisterType,
)
from custom_components.energy_monitor.lib.modbus.sunspec import (
    BASES,
    COMMON_MODEL,
    END,
    MARKER,
    STANDARD_COMMON,
    STANDARD_MODEL,
)

from .dev import HOST, DevDevice, DevSetup
from .profile import ZONE, GridProfile, HouseholdProfile, moment_noise, wall_clock

PHASE_SHARES = (0.45, 0.30, 0.25)
SCALE_EXPONENTS = {
    "a_sf": -2,
    "v_sf": -1,
    "hz_sf": -2,
    "w_sf": 0,
    "va_sf": 0,
    "var_sf": 0,
    "pf_sf": -2,
    "totwh_sf": 0,
}
"""Scale factors the simulated SunSpec meter uses (int16 values fit)."""
METER_MODEL_LENGTH = 105
"""Registers of a SunSpec meter model (201 to 204) after its header."""
REFRESH = 0.5
"""Seconds between recomputed live values."""
FAULTS = frozenset({"exception", "timeout", "malformed"})
type Known = float | str | None


@dataclass(slots=True)
class _Counters:
    """Energy counters the live meter integrates (kWh, kvarh)."""

    imported: list[float] = field(default_factory=lambda: [1234.5, 987.6, 876.5])
    exported: list[float] = field(default_factory=lambda: [345.6, 234.5, 123.4])
    last: datetime | None = None


class LiveValues:
    """Plausible, time-varying values of one three-phase meter."""

    def __init__(self, profile: GridProfile | None = None, serial: str = "1") -> None:
        """Start from plausible lifetime counters."""
        self.profile: GridProfile = profile or HouseholdProfile()
        self.serial = serial
        self._counters = _Counters()

    def values(self, moment: datetime) -> dict[str, float | str]:
        """Return every value a meter map may ask for at ``moment``."""
        grid = self.profile.grid(moment)
        self._integrate(moment, grid)
        counters = self._counters
        pf = round(0.95 + 0.04 * moment_noise(moment, "pf"), 3)
        values: dict[str, float | str] = {
            "grid_power": round(grid, 1),
            "grid_power_import": round(max(grid, 0.0), 1),
            "grid_power_export": round(max(-grid, 0.0), 1),
            "frequency": round(49.95 + 0.1 * moment_noise(moment, "hz"), 2),
            "power_factor": pf,
            "current_n": round(0.2 + 0.3 * moment_noise(moment, "in"), 2),
            "grid_elec_import": round(sum(counters.imported), 3),
            "grid_elec_export": round(sum(counters.exported), 3),
            "energy_total": round(sum(counters.imported) + sum(counters.exported), 3),
            "grid_reactive_import": round(sum(counters.imported) * 0.12, 3),
            "grid_reactive_export": round(sum(counters.exported) * 0.05, 3),
            "angle_v_an": 0.0,
            "angle_v_bn": -120.0,
            "angle_v_cn": 120.0,
            "serial_number": f"SIM{self.serial:0>6}",
            "manufacturer": "Energy Monitor",
            "model": "Simulated meter",
            "firmware_version": "1.0.0",
        }
        currents = []
        for index, share in enumerate(PHASE_SHARES, start=1):
            power = grid * share
            voltage = 230.0 + 4 * moment_noise(moment, f"v{index}") - 2
            current = abs(power) / voltage
            currents.append(current)
            apparent = abs(power) / pf
            values |= {
                f"voltage_l{index}": round(voltage, 1),
                f"current_l{index}": round(current, 2),
                f"power_l{index}": round(power, 1),
                f"va_l{index}": round(apparent, 1),
                f"var_l{index}": round(math.sqrt(apparent**2 - power**2), 1),
                f"power_factor_l{index}": pf,
                f"grid_elec_import_l{index}": round(counters.imported[index - 1], 3),
                f"grid_elec_export_l{index}": round(counters.exported[index - 1], 3),
                f"angle_i_{'abc'[index - 1]}": round(
                    -120.0 * (index - 1) - math.degrees(math.acos(pf)), 2
                ),
            }
        for name, (first, second) in {
            "voltage_l1_l2": (1, 2),
            "voltage_l2_l3": (2, 3),
            "voltage_l3_l1": (3, 1),
        }.items():
            mean = (
                float(values[f"voltage_l{first}"]) + float(values[f"voltage_l{second}"])
            ) / 2
            values[name] = round(mean * math.sqrt(3), 1)
        values["current"] = round(sum(currents), 2)
        values["apparent_power"] = round(abs(grid) / pf, 1)
        values["reactive_power"] = round(
            math.sqrt(float(values["apparent_power"]) ** 2 - grid**2), 1
        )
        return values

    def _integrate(self, moment: datetime, grid: float) -> None:
        """Add the energy since the previous moment to the counters."""
        counters = self._counters
        seconds = (
            0.0 if counters.last is None else (moment - counters.last).total_seconds()
        )
        counters.last = moment
        energy = abs(grid) * max(seconds, 0.0) / 3_600_000
        target = counters.imported if grid >= 0 else counters.exported
        for index, share in enumerate(PHASE_SHARES):
            target[index] += energy * share


class _Meter:
    """One meter (unit ID): its map, registers and pinned values."""

    def __init__(
        self, register_map: RegisterMap, unit_id: int, *, strict: bool
    ) -> None:
        """Start with every register at 0 and the SunSpec scale factors set."""
        self.register_map = register_map
        self.strict = strict
        self.live = LiveValues(serial=str(unit_id))
        self.known: dict[str, Known] = {}
        self.tables: dict[RegisterType, dict[int, int]] = {t: {} for t in RegisterType}
        self.refreshed = -math.inf
        helpers = register_map.helper_keys
        self._sunspec_header()
        for register in register_map.registers:
            self.write(register, 0 if register.data_type is not DataType.STRING else "")
        for key in helpers:
            self.write(register_map.register(key), SCALE_EXPONENTS.get(key, 0))

    def _sunspec_header(self) -> None:
        """Write the SunSpec marker and model headers where a map has them."""
        if self.register_map.sunspec_model is None:
            return
        holding = self.tables[RegisterType.HOLDING]
        for address, words in sunspec_chain(self.register_map.sunspec_model).items():
            holding.update(enumerate(words, start=address))

    def exponent(self, register: Register) -> int:
        """Return the scale-factor exponent currently stored for a register."""
        if register.scale_register is None:
            return 0
        helper = self.register_map.register(register.scale_register)
        return int(self.known.get(helper.key) or SCALE_EXPONENTS.get(helper.key, 0))

    def write(self, register: Register, value: Known) -> None:
        """Store ``value`` in the register's words, encoded as the map says.

        Raises:
            ValueError: when the value does not fit the register.
        """
        words = encode_value(register, value, self.exponent(register))
        table = self.tables[register.register_type]
        for offset, word in enumerate(words):
            table[register.address + offset] = word

    def refresh(self, moment: datetime) -> None:
        """Recompute live values (pinned ones stay)."""
        live = self.live.values(moment)
        helpers = self.register_map.helper_keys
        for register in self.register_map.registers:
            if register.key in self.known or register.key in helpers:
                continue
            value = live.get(register.key, 0.0)
            if isinstance(value, str) and register.data_type is not DataType.STRING:
                value = 22_000_000 + int(self.live.serial)
            try:
                self.write(register, value)
            except ValueError:
                self.write(
                    register, 0 if register.data_type is not DataType.STRING else ""
                )

    def read(
        self, register_type: RegisterType, address: int, count: int
    ) -> list[int] | None:
        """Return ``count`` words, or None when a strict meter lacks one."""
        table = self.tables[register_type]
        span = range(address, address + count)
        if self.strict and any(index not in table for index in span):
            return None
        return [table.get(index, 0) for index in span]


def sunspec_chain(model: int) -> dict[int, list[int]]:
    """Return the marker and model headers of the standard SunSpec layout.

    Address -> words: ``SunS``, the common model, ``model`` (a meter model)
    and the end of the chain.
    """
    return {
        BASES[0]: MARKER,
        STANDARD_COMMON: [COMMON_MODEL, STANDARD_MODEL - STANDARD_COMMON - 2],
        STANDARD_MODEL: [model, METER_MODEL_LENGTH],
        STANDARD_MODEL + 2 + METER_MODEL_LENGTH: [END, 0],
    }


def encode_value(register: Register, value: Known, exponent: int = 0) -> list[int]:
    """Encode a value into a register's words (None: "not available").

    Raises:
        ValueError: when the value does not fit the register.
    """
    dtype = register.data_type
    if value is None:
        if dtype in FLOAT_TYPES:
            return encode(math.nan, dtype, register.word_order, register.byte_order)
        if register.invalid is None:
            raise ValueError(f"{register.key} has no 'not available' value")
        return encode_unsigned(unsigned(register.invalid, register.count), register)
    if dtype is DataType.STRING:
        return encode(
            str(value), dtype, register.word_order, register.byte_order, register.count
        )
    raw = (float(value) - register.offset) / (register.scale * 10.0**exponent)
    if dtype not in FLOAT_TYPES:
        raw = round(raw)
    return encode(raw, dtype, register.word_order, register.byte_order)


def encode_unsigned(pattern: int, register: Register) -> list[int]:
    """Encode a raw register pattern in the register's word and byte order."""
    unsigned = {1: DataType.UINT16, 2: DataType.UINT32, 4: DataType.UINT64}
    return encode(
        pattern, unsigned[register.count], register.word_order, register.byte_order
    )


class _Context(ModbusServerContext):
    """pymodbus datastore that asks the simulator for every read."""

    def __init__(self, simulator: ModbusMeterSimulator) -> None:
        """Serve ``simulator``'s meters (the deprecated base init is skipped)."""
        self._simulator = simulator
        self.simdevices = []

    async def async_getValues(  # noqa: N802 - pymodbus' name
        self, device_id: int, func_code: int, address: int, count: int = 1
    ) -> list[int] | list[bool] | ExcCodes:
        """Answer a read."""
        return await self._simulator.handle_read(device_id, func_code, address, count)

    async def async_setValues(  # noqa: N802 - pymodbus' name
        self,
        device_id: int,
        func_code: int,
        address: int,
        values: list[int] | list[bool],
    ) -> ExcCodes | None:
        """Refuse writes: meters are read-only here."""
        return ExcCodes.ILLEGAL_FUNCTION

    def device_ids(self) -> list[int]:
        """Return the unit IDs served."""
        return list(self._simulator.meters)


class ModbusMeterSimulator:
    """A gateway with meters behind it; see the module docstring."""

    def __init__(
        self,
        meters: Mapping[int, RegisterMap] | RegisterMap,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        rtu_framing: bool = False,
        delay: float = 0.0,
        strict: bool = False,
        live: bool = True,
        clock: Callable[[], datetime] = wall_clock,
    ) -> None:
        """Configure the simulator; :meth:`start` opens the port."""
        if isinstance(meters, RegisterMap):
            meters = {1: meters}
        self.meters = {
            unit: _Meter(register_map, unit, strict=strict)
            for unit, register_map in meters.items()
        }
        for meter in self.meters.values():
            meter.refresh(clock())
        self.host = host
        self.rtu_framing = rtu_framing
        self.delay = delay
        self.live = live
        self.clock = clock
        self.requests = 0
        self._requested_port = port
        self._server: ModbusTcpServer | None = None
        self._faults: list[tuple[str, int]] = []
        self._garble = 0

    @property
    def port(self) -> int:
        """Return the TCP port the simulator listens on."""
        if self._server is None or self._server.transport is None:
            return self._requested_port
        port: int = self._server.transport.sockets[0].getsockname()[1]  # type: ignore[attr-defined]
        return port

    async def start(self) -> None:
        """Open the port (again, after :meth:`stop`, on the same number)."""
        self._server = ModbusTcpServer(
            _Context(self),
            framer=FramerType.RTU if self.rtu_framing else FramerType.SOCKET,
            address=(self.host, self._requested_port),
            ignore_missing_devices=True,
            trace_packet=self._trace_packet,
        )
        await self._server.serve_forever(background=True)
        self._requested_port = self.port

    async def stop(self) -> None:
        """Close the port and every connection."""
        if self._server is not None:
            await self._server.shutdown()  # type: ignore[no-untyped-call]
            self._server = None
            await asyncio.sleep(0)

    @property
    def connections(self) -> int:
        """Return how many clients are connected now."""
        return 0 if self._server is None else len(self._server.active_connections)

    def drop_connections(self) -> None:
        """Drop every client; the port stays open for reconnects."""
        if self._server is not None:
            for connection in list(self._server.active_connections.values()):
                connection.close()

    def set_values(self, unit_id: int, values: Mapping[str, Known]) -> None:
        """Pin known values (by key) of one meter; scale factors first.

        Raises:
            KeyError: when the meter's map has no such key.
            ValueError: when a value does not fit its register.
        """
        meter = self.meters[unit_id]
        helpers = meter.register_map.helper_keys
        ordered = sorted(values.items(), key=lambda item: item[0] not in helpers)
        for key, value in ordered:
            register = meter.register_map.register(key)
            meter.known[key] = value
            meter.write(register, value)

    def set_raw(
        self, unit_id: int, register_type: RegisterType, address: int, words: list[int]
    ) -> None:
        """Store raw words (to build torn or odd values in tests)."""
        table = self.meters[unit_id].tables[register_type]
        for offset, word in enumerate(words):
            table[address + offset] = word

    def inject(
        self,
        fault: str,
        count: int = 1,
        code: int = ExcCodes.DEVICE_FAILURE,
        after: int = 0,
    ) -> None:
        """Spoil ``count`` requests, after ``after`` good ones.

        Faults: ``exception`` (answer with exception ``code``), ``timeout``
        (no answer) and ``malformed`` (a garbled frame).

        Raises:
            ValueError: on an unknown fault.
        """
        if fault not in FAULTS:
            raise ValueError(f"unknown fault {fault}")
        self._faults.extend([("none", 0)] * after + [(fault, code)] * count)

    def clear_faults(self) -> None:
        """Forget the faults not injected yet."""
        self._faults.clear()

    async def handle_read(
        self, unit_id: int, func_code: int, address: int, count: int
    ) -> list[int] | ExcCodes:
        """Answer one read request (called by the pymodbus server).

        Raises:
            NoSuchIdException: to send no answer at all (a silent meter).
        """
        self.requests += 1
        if self.delay:
            await asyncio.sleep(self.delay)
        if self._faults:
            fault, code = self._faults.pop(0)
            if fault == "timeout":
                raise NoSuchIdException(  # type: ignore[no-untyped-call]
                    f"simulated silence of unit {unit_id}"
                )
            if fault == "exception":
                return ExcCodes(code)
            if fault == "malformed":
                self._garble += 1
        meter = self.meters.get(unit_id)
        if meter is None:
            return ExcCodes.GATEWAY_NO_RESPONSE
        if func_code not in {3, 4}:
            return ExcCodes.ILLEGAL_FUNCTION
        if self.live:
            self._refresh(meter)
        register_type = RegisterType.HOLDING if func_code == 3 else RegisterType.INPUT  # noqa: PLR2004
        words = meter.read(register_type, address, count)
        return ExcCodes.ILLEGAL_ADDRESS if words is None else words

    def _refresh(self, meter: _Meter) -> None:
        """Recompute a meter's live values at most every :data:`REFRESH` s."""
        now = asyncio.get_running_loop().time()
        if now - meter.refreshed >= REFRESH:
            meter.refreshed = now
            meter.refresh(self.clock())

    def _trace_packet(self, sending: bool, data: bytes) -> bytes:  # noqa: FBT001
        """Garble an outgoing frame when a ``malformed`` fault is pending."""
        if sending and self._garble:
            self._garble -= 1
            return data[: max(len(data) // 2, 3)] + b"\xde\xad"
        return data


DEV_PORT = 2020
MODBUS_METERS = {1: "eastron_sdm630", 2: "carlo_gavazzi_em24"}
"""Meters (unit ID: bundled map) behind the development instance's gateway."""

DEV = DevSetup(
    devices=tuple(
        DevDevice(
            f"Modbus meter {model} (gateway unit {unit})",
            (
                {"next_step_id": "modbus"},
                {"next_step_id": "modbus_tcp"},
                {
                    "host": HOST,
                    "port": DEV_PORT,
                    "transport": "tcp",
                    "unit_id": unit,
                    "meter_model": model,
                },
            ),
        )
        for unit, model in MODBUS_METERS.items()
    ),
    servers=lambda: {
        f"Modbus TCP gateway ({', '.join(MODBUS_METERS.values())})": (
            ModbusMeterSimulator(
                {
                    unit: load_bundled_map(model)
                    for unit, model in MODBUS_METERS.items()
                },
                host=HOST,
                port=DEV_PORT,
            )
        )
    },
)
"""The development instance's Modbus TCP gateway with two meters."""


async def _main() -> None:
    """Run one simulator until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=5020)
    parser.add_argument(
        "--model",
        action="append",
        choices=bundled_models(),
        help="a meter (unit IDs 1, 2, ... in order); repeat for more",
    )
    parser.add_argument("--rtu", action="store_true", help="RTU framing over TCP")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds per request")
    args = parser.parse_args()
    models = args.model or ["eastron_sdm630"]
    simulator = ModbusMeterSimulator(
        {unit: load_bundled_map(model) for unit, model in enumerate(models, start=1)},
        host=args.host,
        port=args.port,
        rtu_framing=args.rtu,
        delay=args.delay,
    )
    await simulator.start()
    for unit, model in enumerate(models, start=1):
        where = f"{args.host}:{simulator.port}"
        print(f"{datetime.now(ZONE):%H:%M:%S} {model}: unit {unit} on {where}")
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(_main())
