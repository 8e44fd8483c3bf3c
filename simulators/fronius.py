"""A Fronius PV system on an HTTP port: the Solar API v1 of a real device.

:class:`FroniusSystem` computes what the system reports at any moment from
a :class:`~simulators.profile.HouseholdProfile` (the same household as the
P1 simulator): PV production, house load, a battery for the Gen24 variant,
and the counters that integrate them. Two variants, shaped like the real
payloads in ``tests/fixtures/fronius``:

* ``symo``: a Symo 8.2-3-M behind a Datamanager with a Smart Meter at the
  grid connection. At night the inverter sleeps: ``P_PV`` is ``null``, its
  realtime data lacks the AC values and says "startup" with error 307, and
  like the real one it keeps yesterday's "energy today" until it wakes up.
* ``gen24``: a Gen24 Plus without Datamanager (``GetLoggerInfo`` is not
  supported), with a BYD battery and a Smart Meter TS; it reports no daily
  or yearly energy (``null``), only fractional lifetime counters.

:class:`FroniusSimulator` serves it with aiohttp on loopback and can inject
faults: no answer (timeouts), HTTP 500, a forced night, and fixed answers
per endpoint (a sample payload, an error status).

Run ``python -m simulators.fronius --port 2080 --variant gen24`` by hand.
"""

import argparse
import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
import json
from typing import Any

from aiohttp import web

from .dev import HOST, DevDevice, DevSetup
from .http import HttpSimulator
from .profile import ZONE, HouseholdProfile, wall_clock

INVERTER_EFFICIENCY = 0.97
BATTERY_CAPACITY = 11520.0
"""Wh."""
BATTERY_POWER = 3000.0
"""W, charge and discharge."""
BATTERY_MIN_SOC = 5.0
AVERAGE_DAY = 9000.0
"""Wh a day, to start the year counter at a plausible value."""
STEP = timedelta(minutes=5)
"""Integration step of the energy produced before the simulator started."""


class FroniusVariant(StrEnum):
    """The simulated systems."""

    SYMO = "symo"
    GEN24 = "gen24"


class Endpoint(StrEnum):
    """The Solar API requests the simulator answers."""

    API_VERSION = "GetAPIVersion"
    LOGGER_INFO = "GetLoggerInfo"
    INVERTER_INFO = "GetInverterInfo"
    POWER_FLOW = "GetPowerFlowRealtimeData"
    INVERTER_COMMON = "CommonInverterData"
    INVERTER_3P = "3PInverterData"
    METER = "GetMeterRealtimeData"
    STORAGE = "GetStorageRealtimeData"


class Fault(StrEnum):
    """Ways the simulated device misbehaves."""

    TIMEOUT = "timeout"
    """Requests get no answer until the fault is cleared."""
    HTTP_500 = "http_500"
    """Requests get an HTML error page with status 500."""
    NIGHT = "night"
    """The sun is down whatever the clock says."""


@dataclass(slots=True)
class _Counters:
    """The system's registers (Wh, %)."""

    inverter_total: float
    meter_consumed: float = 8_765_432.0
    meter_produced: float = 5_432_109.0
    day: float = 0.0
    year: float = 0.0
    day_of: date | None = None
    year_of: int | None = None
    soc: float = 50.0


@dataclass(frozen=True, slots=True)
class Flows:
    """Power at one moment (W): + import / discharge, - export / charge."""

    pv: float
    load: float
    battery: float
    inverter: float
    grid: float


def _head(
    code: int = 0, reason: str = "", arguments: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Return a response header."""
    return {
        "RequestArguments": dict(arguments or {}),
        "Status": {"Code": code, "Reason": reason, "UserMessage": ""},
        "Timestamp": datetime.now(ZONE).replace(microsecond=0).isoformat(),
    }


def response(data: Any, **head: Any) -> dict[str, Any]:
    """Return a whole Solar API response with ``data`` as its body."""
    return {"Body": {"Data": data}, "Head": _head(**head)}


def error(code: int, reason: str) -> dict[str, Any]:
    """Return a Solar API error response (empty body, status ``code``)."""
    return response({}, code=code, reason=reason)


def _quantity(value: float | None, unit: str) -> dict[str, Any]:
    """Return a ``{"Unit", "Value"}`` object."""
    return {"Unit": unit, "Value": value}


def _html(text: str) -> str:
    """Escape text the way a Datamanager writes custom names."""
    return "".join(f"&#{ord(char)};" for char in text)


@dataclass(slots=True)
class FroniusSystem:
    """What a Fronius system reports, computed from a household profile."""

    variant: FroniusVariant = FroniusVariant.SYMO
    profile: HouseholdProfile = field(default_factory=HouseholdProfile)
    night: bool = False
    """Force the night, whatever the moment."""
    counters: _Counters = field(init=False)
    _last: datetime | None = field(init=False, default=None)

    def __post_init__(self) -> None:
        """Start with plausible counters."""
        total = 12_345_678.0 if self.variant is FroniusVariant.SYMO else 4_567_890.25
        self.counters = _Counters(inverter_total=total)

    @property
    def is_gen24(self) -> bool:
        """Tell whether this is the Gen24 variant."""
        return self.variant is FroniusVariant.GEN24

    def flows(self, moment: datetime) -> Flows:
        """Return the power flows at ``moment``."""
        pv = 0.0 if self.night else self.profile.pv(moment)
        load = self.profile.load(moment)
        produced = round(pv * INVERTER_EFFICIENCY, 1)
        battery = 0.0
        if self.is_gen24:
            surplus = produced - load
            if surplus > 0 and self.counters.soc < 100:  # noqa: PLR2004
                battery = -min(surplus, BATTERY_POWER)
            elif surplus < 0 and self.counters.soc > BATTERY_MIN_SOC:
                battery = min(-surplus, BATTERY_POWER)
        inverter = round(produced + battery, 1)
        return Flows(pv, load, battery, inverter, round(load - inverter, 1))

    def advance(self, moment: datetime) -> Flows:
        """Integrate the counters up to ``moment``; return its flows.

        A long gap since the previous request is integrated in steps of
        :data:`STEP`, so the counters follow the sun rather than jump.
        """
        if self._last is not None:
            step = self._last + STEP
            while step < moment:
                self._integrate(step)
                step += STEP
        return self._integrate(moment)

    def _integrate(self, moment: datetime) -> Flows:
        """Add the energy since the previous moment at ``moment``'s power."""
        flows = self.flows(moment)
        hours = 0.0 if self._last is None else (moment - self._last).total_seconds()
        hours = max(hours, 0.0) / 3600
        self._last = moment
        counters = self.counters
        local = moment.astimezone(ZONE)
        awake = flows.pv > 0
        if counters.day_of is None:
            counters.day, counters.day_of = self._produced_today(local), local.date()
            counters.year = counters.day + AVERAGE_DAY * (local.timetuple().tm_yday - 1)
            counters.year_of = local.year
        if local.date() != counters.day_of and awake:
            # Like the real inverter: the day counter restarts when it wakes.
            counters.day, counters.day_of = 0.0, local.date()
        if local.year != counters.year_of and awake:
            counters.year, counters.year_of = 0.0, local.year
        produced = max(flows.inverter, 0.0) * hours
        counters.inverter_total += produced
        counters.day += produced
        counters.year += produced
        counters.meter_consumed += max(flows.grid, 0.0) * hours
        counters.meter_produced += max(-flows.grid, 0.0) * hours
        counters.soc -= flows.battery * hours / BATTERY_CAPACITY * 100
        counters.soc = min(max(counters.soc, 0.0), 100.0)
        return flows

    def _produced_today(self, local: datetime) -> float:
        """Return the energy (Wh) produced from midnight up to ``local``."""
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        steps = int((local - midnight).total_seconds() // STEP.total_seconds())
        return sum(
            self.profile.pv(midnight + STEP * step) * INVERTER_EFFICIENCY
            for step in range(steps)
        ) * (STEP.total_seconds() / 3600)

    def asleep(self, flows: Flows) -> bool:
        """Tell whether the inverter sleeps (no sun; a Gen24 also needs no battery)."""
        return flows.pv <= 0 and flows.inverter == 0

    # Bodies.

    def logger_info(self, flows: Flows) -> dict[str, Any]:
        """Return ``GetLoggerInfo`` (a Gen24 has no Datamanager)."""
        if self.is_gen24:
            return error(11, "v1/GetLoggerInfo.cgi request is not supported.")
        return {
            "Body": {
                "LoggerInfo": {
                    "CO2Factor": 0.52999997138977051,
                    "CO2Unit": "kg",
                    "CashCurrency": "EUR",
                    "CashFactor": 0.31,
                    "DefaultLanguage": "en",
                    "DeliveryFactor": 0.05,
                    "HWVersion": "2.4D",
                    "PlatformID": "wilma",
                    "ProductID": "fronius-datamanager-card",
                    "SWVersion": "3.28.1-3",
                    "TimezoneLocation": "Brussels",
                    "TimezoneName": "CET",
                    "UTCOffset": 3600,
                    "UniqueID": "240.424242",
                }
            },
            "Head": _head(),
        }

    def inverter_info(self, flows: Flows) -> dict[str, Any]:
        """Return ``GetInverterInfo``."""
        asleep = self.asleep(flows)
        if self.is_gen24:
            entry: dict[str, Any] = {
                "CustomName": "Gen24 Plus",
                "DT": 1,
                "ErrorCode": 0,
                "InverterState": "Sleeping" if asleep else "Running",
                "PVPower": 6000,
                "Show": 1,
                "StatusCode": 13 if asleep else 7,
                "UniqueID": "34110777",
            }
        else:
            entry = {
                "CustomName": _html("Symo 8.2"),
                "DT": 123,
                "ErrorCode": 307 if asleep else 0,
                "PVPower": 8200,
                "Show": 1,
                "StatusCode": 3 if asleep else 7,
                "UniqueID": "32410001",
            }
        return response({"1": entry})

    def power_flow(self, flows: Flows) -> dict[str, Any]:
        """Return ``GetPowerFlowRealtimeData``."""
        counters = self.counters
        day = None if self.is_gen24 else round(counters.day, 1)
        year = None if self.is_gen24 else round(counters.year, 1)
        total = (
            counters.inverter_total if self.is_gen24 else round(counters.inverter_total)
        )
        produced = max(flows.inverter, 0.0)
        imported = max(flows.grid, 0.0)
        exported = max(-flows.grid, 0.0)
        inverter: dict[str, Any] = {
            "DT": 1 if self.is_gen24 else 123,
            "E_Day": day,
            "E_Total": total,
            "E_Year": year,
            "P": flows.inverter,
        }
        site: dict[str, Any] = {
            "E_Day": day,
            "E_Total": total,
            "E_Year": year,
            "Meter_Location": "grid",
            "Mode": "bidirectional" if self.is_gen24 else "meter",
            "P_Akku": flows.battery if self.is_gen24 else None,
            "P_Grid": flows.grid,
            "P_Load": -flows.load,
            "P_PV": flows.pv or None,
            "rel_Autonomy": 100.0 * (1 - min(imported / flows.load, 1.0))
            if flows.load
            else 100.0,
            "rel_SelfConsumption": 100.0 * (1 - exported / produced)
            if produced
            else None,
        }
        data: dict[str, Any] = {"Inverters": {"1": inverter}, "Site": site}
        if self.is_gen24:
            inverter["Battery_Mode"] = "normal"
            inverter["SOC"] = round(counters.soc, 1)
            site["BackupMode"] = False
            site["BatteryStandby"] = False
            data["Smartloads"] = {"Ohmpilots": {}}
        data["Version"] = "12"
        return response(data)

    def inverter_common(self, flows: Flows, device_id: str) -> dict[str, Any]:
        """Return ``GetInverterRealtimeData`` with ``CommonInverterData``."""
        arguments = {
            "DataCollection": "CommonInverterData",
            "DeviceClass": "Inverter",
            "DeviceId": device_id,
            "Scope": "Device",
        }
        if device_id != "1":
            return error(12, f"Device {device_id} not available")
        counters = self.counters
        asleep = self.asleep(flows)
        voltage = grid_voltage(flows)
        data: dict[str, Any] = {
            "DAY_ENERGY": _quantity(
                None if self.is_gen24 else round(counters.day), "Wh"
            ),
            "YEAR_ENERGY": _quantity(
                None if self.is_gen24 else round(counters.year, 1), "Wh"
            ),
            "TOTAL_ENERGY": _quantity(
                counters.inverter_total
                if self.is_gen24
                else round(counters.inverter_total),
                "Wh",
            ),
        }
        if asleep and not self.is_gen24:
            data["IDC"] = _quantity(0, "A")
            data["UDC"] = _quantity(16, "V")
            data["DeviceStatus"] = _symo_status(307, 3)
            return response(data, arguments=arguments)
        dc_voltage = 410.0 if flows.pv else 0.0
        data |= {
            "FAC": _quantity(49.98, "Hz"),
            "IAC": _quantity(round(flows.inverter / voltage, 3), "A"),
            "IDC": _quantity(round(flows.pv / dc_voltage, 3) if dc_voltage else 0, "A"),
            "PAC": _quantity(flows.inverter, "W"),
            "UAC": _quantity(voltage, "V"),
            "UDC": _quantity(dc_voltage, "V"),
        }
        if self.is_gen24:
            data["DeviceStatus"] = {
                "ErrorCode": 0,
                "InverterState": "Sleeping" if asleep else "Running",
                "StatusCode": 13 if asleep else 7,
            }
            data["IDC_2"] = _quantity(0.0, "A")
            data["UDC_2"] = _quantity(12.5, "V")
            data["SAC"] = _quantity(abs(flows.inverter), "VA")
        else:
            data["DeviceStatus"] = _symo_status(0, 7)
        return response(data, arguments=arguments)

    def inverter_3p(self, flows: Flows, device_id: str) -> dict[str, Any]:
        """Return ``GetInverterRealtimeData`` with ``3PInverterData``."""
        if self.is_gen24:
            return error(11, "3PInverterData is not supported.")
        if self.asleep(flows) or device_id != "1":
            return error(12, f"Device {device_id} not available")
        current = round(flows.inverter / 3 / 230.0, 3)
        return response(
            {
                "IAC_L1": _quantity(current, "A"),
                "IAC_L2": _quantity(current, "A"),
                "IAC_L3": _quantity(current, "A"),
                "UAC_L1": _quantity(grid_voltage(flows) - 0.6, "V"),
                "UAC_L2": _quantity(grid_voltage(flows) + 0.3, "V"),
                "UAC_L3": _quantity(grid_voltage(flows) - 0.9, "V"),
            },
            arguments={"DataCollection": "3PInverterData", "DeviceId": device_id},
        )

    def meter(self, flows: Flows) -> dict[str, Any]:
        """Return ``GetMeterRealtimeData`` with ``Scope=System``."""
        shares = (0.45, 0.30, 0.25)
        voltages = tuple(grid_voltage(flows) + offset for offset in (-0.6, 0.3, -0.9))
        data: dict[str, Any] = {
            "Details": {
                "Manufacturer": "Fronius",
                "Model": "Smart Meter TS 65A-3" if self.is_gen24 else "Smart Meter 63A",
                "Serial": "1234567890" if self.is_gen24 else "19180042",
            },
            "Enable": 1,
            "EnergyReal_WAC_Sum_Consumed": round(self.counters.meter_consumed),
            "EnergyReal_WAC_Sum_Produced": round(self.counters.meter_produced),
            "Frequency_Phase_Average": 50.0,
            "Meter_Location_Current": 0.0 if self.is_gen24 else 0,
            "PowerFactor_Sum": 0.98,
            "PowerReal_P_Sum": flows.grid,
            "TimeStamp": int(datetime.now(ZONE).timestamp()),
            "Visible": 1,
        }
        for phase, (share, voltage) in enumerate(zip(shares, voltages, strict=True), 1):
            power = round(flows.grid * share, 2)
            data[f"PowerReal_P_Phase_{phase}"] = power
            data[f"Voltage_AC_Phase_{phase}"] = voltage
            data[f"Current_AC_Phase_{phase}"] = round(abs(power) / voltage, 3)
            data[f"PowerFactor_Phase_{phase}"] = 0.98
        return response(
            {"0": data}, arguments={"DeviceClass": "Meter", "Scope": "System"}
        )

    def storage(self, flows: Flows) -> dict[str, Any]:
        """Return ``GetStorageRealtimeData`` with ``Scope=System``."""
        if not self.is_gen24:
            return error(
                255, "GetStorageRealtimeData request is not supported by this device."
            )
        voltage = 400.0 + self.counters.soc / 2
        return response(
            {
                "0": {
                    "Controller": {
                        "Capacity_Maximum": BATTERY_CAPACITY,
                        "Current_DC": round(flows.battery / voltage, 3),
                        "DesignedCapacity": BATTERY_CAPACITY,
                        "Details": {
                            "Manufacturer": "BYD",
                            "Model": "BYD Battery-Box Premium HV",
                            "Serial": "P030T020Z2001234567     ",
                        },
                        "Enable": 1,
                        "StateOfCharge_Relative": round(self.counters.soc, 1),
                        "Status_BatteryCell": 3.0,
                        "Temperature_Cell": 21.5,
                        "TimeStamp": int(datetime.now(ZONE).timestamp()),
                        "Voltage_DC": round(voltage, 1),
                    },
                    "Modules": [],
                }
            },
            arguments={"Scope": "System"},
        )

    def answer(self, endpoint: Endpoint, moment: datetime, device_id: str) -> Any:
        """Return the JSON answer to a request at ``moment``."""
        if endpoint is Endpoint.API_VERSION:
            return {
                "APIVersion": 1,
                "BaseURL": "/solar_api/v1/",
                "CompatibilityRange": "1.8-1",
            }
        flows = self.advance(moment)
        if endpoint is Endpoint.INVERTER_COMMON:
            return self.inverter_common(flows, device_id)
        if endpoint is Endpoint.INVERTER_3P:
            return self.inverter_3p(flows, device_id)
        bodies: dict[Endpoint, Callable[[Flows], dict[str, Any]]] = {
            Endpoint.LOGGER_INFO: self.logger_info,
            Endpoint.INVERTER_INFO: self.inverter_info,
            Endpoint.POWER_FLOW: self.power_flow,
            Endpoint.METER: self.meter,
            Endpoint.STORAGE: self.storage,
        }
        return bodies[endpoint](flows)


def grid_voltage(flows: Flows) -> float:
    """Return the grid voltage: exporting raises it, importing lowers it."""
    return round(230.0 - flows.grid / 2000, 1)


def _symo_status(error_code: int, status_code: int) -> dict[str, Any]:
    """Return the ``DeviceStatus`` of a Symo."""
    return {
        "ErrorCode": error_code,
        "LEDColor": 2 if status_code == 7 else 1,  # noqa: PLR2004
        "LEDState": 0,
        "MgmtTimerRemainingTime": -1,
        "StateToReset": False,
        "StatusCode": status_code,
    }


def route(path: str, query: Mapping[str, str]) -> Endpoint | None:
    """Return the endpoint a request asks for (``None``: no such page)."""
    if path == "/solar_api/GetAPIVersion.cgi":
        return Endpoint.API_VERSION
    page = path.removeprefix("/solar_api/v1/")
    name = page.split(".", 1)[0]
    if page == path:
        return None
    if name == "GetInverterRealtimeData":
        name = query.get("DataCollection", "") if query.get("Scope") == "Device" else ""
    elif name in {Endpoint.METER, Endpoint.STORAGE} and query.get("Scope") != "System":
        return None
    return next((endpoint for endpoint in Endpoint if endpoint == name), None)


class FroniusSimulator(HttpSimulator):
    """Serve a :class:`FroniusSystem` over HTTP; inject faults on demand."""

    def __init__(
        self,
        *,
        variant: FroniusVariant = FroniusVariant.SYMO,
        host: str = "127.0.0.1",
        port: int = 0,
        clock: Callable[[], datetime] = wall_clock,
        system: FroniusSystem | None = None,
    ) -> None:
        """Configure the simulator; :meth:`start` opens the port."""
        super().__init__(host, port)
        self.system = system or FroniusSystem(variant)
        self.clock = clock
        self.fault: Fault | None = None
        self.answers: dict[Endpoint, str | dict[str, Any]] = {}
        """Fixed answers per endpoint (JSON text is served byte for byte)."""
        self.only_answers = False
        """Answer only the endpoints in :attr:`answers` (others: HTTP 404)."""
        self.pages: dict[str, str] = {}
        """Fixed JSON answers to other requests, by path and query."""
        self.requests: list[str] = []
        """The paths asked, with their queries."""

    @property
    def address(self) -> str:
        """Return ``host:port``, the way users type it in the wizard."""
        return f"{self.host}:{self.port}"

    def set_fault(self, fault: Fault | None) -> None:
        """Start misbehaving (``None``: behave again)."""
        self.fault = fault
        self.system.night = fault is Fault.NIGHT
        self._http.hold(held=fault is Fault.TIMEOUT)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        """Answer one request."""
        self.requests.append(request.path_qs)
        if self.fault is Fault.TIMEOUT:
            await self._http.released()
            raise web.HTTPServiceUnavailable
        if self.fault is Fault.HTTP_500:
            return web.Response(
                status=500,
                text="<html><body>500 Internal Server Error</body></html>",
                content_type="text/html",
            )
        if (page := self.pages.get(request.path_qs)) is not None:
            return web.Response(text=page, content_type="application/json")
        endpoint = route(request.path, request.query)
        if endpoint is None:
            raise web.HTTPNotFound
        fixed = self.answers.get(endpoint)
        if fixed is None and self.only_answers:
            raise web.HTTPNotFound
        if isinstance(fixed, str):
            return web.Response(text=fixed, content_type="application/json")
        answer = fixed or self.system.answer(
            endpoint, self.clock(), request.query.get("DeviceId", "1")
        )
        return web.Response(text=json.dumps(answer), content_type="application/json")


DEV_SYMO_PORT = 2080
DEV_GEN24_PORT = 2081

DEV = DevSetup(
    devices=tuple(
        DevDevice(name, ({"next_step_id": "fronius"}, {"host": f"{HOST}:{port}"}))
        for name, port in (
            ("Fronius Symo with Datamanager and smart meter", DEV_SYMO_PORT),
            ("Fronius Gen24 with battery and smart meter", DEV_GEN24_PORT),
        )
    ),
    servers=lambda: {
        "Fronius Symo, Datamanager (Solar API, HTTP)": FroniusSimulator(
            variant=FroniusVariant.SYMO, host=HOST, port=DEV_SYMO_PORT
        ),
        "Fronius Gen24 with battery (Solar API, HTTP)": FroniusSimulator(
            variant=FroniusVariant.GEN24, host=HOST, port=DEV_GEN24_PORT
        ),
    },
)
"""The development instance's Fronius systems: a Symo and a Gen24."""


async def _main() -> None:
    """Run one simulator until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2080)
    parser.add_argument(
        "--variant", choices=[v.value for v in FroniusVariant], default="symo"
    )
    args = parser.parse_args()
    simulator = FroniusSimulator(
        variant=FroniusVariant(args.variant), host=args.host, port=args.port
    )
    await simulator.start()
    print(f"Fronius simulator ({args.variant}) on http://{simulator.address}")
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(_main())
