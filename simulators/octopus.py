"""An Octopus Energy account on an HTTP port: the REST API's endpoints we use.

:class:`OctopusAccount` is the account: an import MPAN that moved from a
fixed tariff to Agile (``switch``), an export MPAN on a fixed export tariff,
and a gas MPRN; a year of half-hourly consumption of each (a household's
daily curve, solar export in summer, gas heating in winter) published up to
the last local midnight, and an Agile-like price curve (cheap nights, a
16:00-19:00 peak) published like Agile's: after 16:00 up to 23:00 the next
day. Every figure is a function of the time, so tests compute references
from the same functions.

:class:`OctopusSimulator` serves it with aiohttp on loopback, with the API's
paging (``page_size``, ``page``, ``next``), ordering (``order_by``), period
filters and HTTP Basic authentication, and can inject faults: a refused key
(401), rate limiting (429 with ``Retry-After``), server errors (500) and no
answer. ``corrections`` replace published half hours (late corrections).

Run ``python -m simulators.octopus --port 2090`` by hand.
"""

import argparse
import asyncio
import base64
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, time, timedelta
from enum import StrEnum
import math
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from yarl import URL

from .dev import HOST, DevDevice, DevSetup
from .http import HttpSimulator

ZONE = ZoneInfo("Europe/London")
HALF_HOUR = timedelta(minutes=30)
ACCOUNT_NUMBER = "A-1234ABCD"
API_KEY = "sk_live_simulated0000000000"
IMPORT_MPAN = "1900000000001"
EXPORT_MPAN = "1900000000002"
GAS_MPRN = "3000000001"
IMPORT_SERIAL = "22L0000001"
EXPORT_SERIAL = "22L0000001"
GAS_SERIAL = "G4P00000001"
FIXED_IMPORT = "E-1R-VAR-22-11-01-C"
AGILE_IMPORT = "E-1R-AGILE-24-10-01-C"
FIXED_EXPORT = "E-1R-OUTGOING-VAR-24-10-26-C"
FIXED_GAS = "G-1R-VAR-22-11-01-C"
FIXED_RATES: dict[str, tuple[float, float]] = {
    FIXED_IMPORT: (24.50, 60.12),
    AGILE_IMPORT: (0.0, 47.60616),
    FIXED_EXPORT: (15.0, 0.0),
    FIXED_GAS: (6.24, 31.43),
}
"""Pence per kWh and per day (VAT included) of each tariff (Agile: the curve)."""
MAX_PAGE_SIZE = 25000
RATES_PAGE_SIZE = 1500


def agile_price(start: datetime) -> float:
    """Return the Agile-like price (pence/kWh, VAT included) of a half hour."""
    local = start.astimezone(ZONE)
    hour = local.hour + local.minute / 60
    price = 20.0 - 8.0 * math.cos(2 * math.pi * (hour - 4) / 24)
    if 16 <= hour < 19:  # noqa: PLR2004
        price += 12.0
    price += 3.0 * math.sin(local.timetuple().tm_yday / 7)
    return round(price, 3)


def consumption(kind: str, start: datetime) -> float:
    """Return a half hour's consumption (kWh; gas m³) of import, export or gas."""
    local = start.astimezone(ZONE)
    hour = local.hour + local.minute / 60
    season = math.cos(2 * math.pi * (local.timetuple().tm_yday - 172) / 365)
    wobble = 0.02 * math.sin(start.timestamp() / 5400)
    if kind == "import":
        value = 0.12 + (0.3 if 17 <= hour < 21 else 0.0) + wobble  # noqa: PLR2004
        value += 0.1 * max(0.0, -season)
    elif kind == "export":
        sun = max(0.0, math.cos((hour - 13) / 7 * math.pi / 2))
        value = 0.8 * sun * (0.6 + 0.4 * season) if 6 <= hour < 20 else 0.0  # noqa: PLR2004
    else:
        heating = 6 <= hour < 9 or 17 <= hour < 22  # noqa: PLR2004
        value = 0.02 + (0.12 if heating else 0.01) * max(0.1, 0.6 - 0.5 * season)
    return round(max(value, 0.0), 3)


def local_midnight(moment: datetime) -> datetime:
    """Return the local midnight that starts the day of ``moment`` (UTC)."""
    local = moment.astimezone(ZONE)
    return datetime.combine(local.date(), time(), ZONE).astimezone(UTC)


def iso(moment: datetime) -> str:
    """Return a time as the API writes it (UTC, ``Z``)."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


class Fault(StrEnum):
    """Ways the simulated API misbehaves."""

    UNAUTHORIZED = "unauthorized"
    """The key was revoked: 401 everywhere."""
    RATE_LIMITED = "rate_limited"
    """429 with ``Retry-After``."""
    HTTP_500 = "http_500"
    TIMEOUT = "timeout"
    """No answer until the fault is cleared."""


@dataclass(slots=True)
class OctopusAccount:
    """The simulated account; see the module docstring."""

    now: Callable[[], datetime] = lambda: datetime.now(UTC)
    history_start: datetime | None = None
    """The first half hour of consumption (default: a year before today)."""
    switch: datetime | None = None
    """When the import moved from the fixed tariff to Agile (default: the
    15th of the previous month, local midnight)."""
    agile_from: datetime = datetime(2024, 10, 1, tzinfo=UTC)
    corrections: dict[tuple[str, datetime], float] = field(default_factory=dict)
    """Published half hours that replace the computed ones, by (MPAN/MPRN, start)."""

    def start(self) -> datetime:
        """Return the first half hour of consumption."""
        if self.history_start is not None:
            return self.history_start
        return local_midnight(self.now() - timedelta(days=365))

    def switched(self) -> datetime:
        """Return when the import moved to Agile."""
        if self.switch is not None:
            return self.switch
        local = self.now().astimezone(ZONE)
        month = (local.replace(day=1) - timedelta(days=1)).replace(day=15)
        return datetime.combine(month.date(), time(), ZONE).astimezone(UTC)

    def account(self) -> dict[str, Any]:
        """Return the account payload."""
        start, switch = iso(self.start()), iso(self.switched())
        return {
            "number": ACCOUNT_NUMBER,
            "properties": [
                {
                    "id": 1000001,
                    "moved_in_at": start,
                    "moved_out_at": None,
                    "address_line_1": "1 Simulated Street",
                    "postcode": "SW1A 1AA",
                    "electricity_meter_points": [
                        {
                            "mpan": IMPORT_MPAN,
                            "profile_class": 1,
                            "consumption_standard": 2700,
                            "meters": [{"serial_number": IMPORT_SERIAL}],
                            "agreements": [
                                {
                                    "tariff_code": FIXED_IMPORT,
                                    "valid_from": start,
                                    "valid_to": switch,
                                },
                                {
                                    "tariff_code": AGILE_IMPORT,
                                    "valid_from": switch,
                                    "valid_to": None,
                                },
                            ],
                            "is_export": False,
                        },
                        {
                            "mpan": EXPORT_MPAN,
                            "profile_class": 1,
                            "consumption_standard": 0,
                            "meters": [{"serial_number": EXPORT_SERIAL}],
                            "agreements": [
                                {
                                    "tariff_code": FIXED_EXPORT,
                                    "valid_from": start,
                                    "valid_to": None,
                                }
                            ],
                            "is_export": True,
                        },
                    ],
                    "gas_meter_points": [
                        {
                            "mprn": GAS_MPRN,
                            "consumption_standard": 11500,
                            "meters": [{"serial_number": GAS_SERIAL}],
                            "agreements": [
                                {
                                    "tariff_code": FIXED_GAS,
                                    "valid_from": start,
                                    "valid_to": None,
                                }
                            ],
                        }
                    ],
                }
            ],
        }

    def published_until(self) -> datetime:
        """Return the end of the published consumption (the last local midnight)."""
        return local_midnight(self.now())

    def agile_until(self) -> datetime:
        """Return the end of the published Agile prices (23:00 today or tomorrow)."""
        local = self.now().astimezone(ZONE)
        day = local.date() + timedelta(days=1 if local.hour >= 16 else 0)  # noqa: PLR2004
        return datetime.combine(day, time(23), ZONE).astimezone(UTC)

    def half_hours(
        self, identifier: str, lower: datetime, upper: datetime
    ) -> Iterator[dict[str, Any]]:
        """Yield the published consumption in ``[lower, upper)``, oldest first."""
        kind = {IMPORT_MPAN: "import", EXPORT_MPAN: "export", GAS_MPRN: "gas"}[
            identifier
        ]
        first = max(lower, self.start())
        first = (
            local_midnight(first)
            + ((first - local_midnight(first)) // HALF_HOUR) * HALF_HOUR
        )
        if first < lower:
            first += HALF_HOUR
        moment = first
        end = min(upper, self.published_until())
        while moment + HALF_HOUR <= end:
            value = self.corrections.get((identifier, moment))
            yield {
                "consumption": consumption(kind, moment) if value is None else value,
                "interval_start": iso(moment),
                "interval_end": iso(moment + HALF_HOUR),
            }
            moment += HALF_HOUR

    def rates(
        self, tariff: str, kind: str, lower: datetime, upper: datetime
    ) -> list[dict[str, Any]]:
        """Return a tariff's rates overlapping ``[lower, upper)``, newest first."""
        unit, standing = FIXED_RATES[tariff]
        if tariff != AGILE_IMPORT or kind == "standing-charges":
            value = standing if kind == "standing-charges" else unit
            return [
                {
                    "value_exc_vat": round(value / 1.05, 4),
                    "value_inc_vat": value,
                    "valid_from": iso(self.agile_from),
                    "valid_to": None,
                    "payment_method": None,
                }
            ]
        rows = []
        moment = max(lower, self.agile_from).replace(second=0, microsecond=0)
        moment -= timedelta(minutes=moment.minute % 30)
        end = min(upper, self.agile_until())
        while moment < end:
            price = agile_price(moment)
            rows.append(
                {
                    "value_exc_vat": round(price / 1.05, 4),
                    "value_inc_vat": price,
                    "valid_from": iso(moment),
                    "valid_to": iso(moment + HALF_HOUR),
                    "payment_method": None,
                }
            )
            moment += HALF_HOUR
        rows.reverse()
        return rows


def _time(query: Any, name: str, default: datetime) -> datetime:
    """Return a time parameter of a query."""
    value = query.get(name)
    if not value:
        return default
    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=ZONE)


class OctopusSimulator(HttpSimulator):
    """Serve an :class:`OctopusAccount` over HTTP; inject faults on demand."""

    def __init__(
        self,
        account: OctopusAccount | None = None,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        """Serve ``account`` on ``host:port`` (0: any free port)."""
        super().__init__(host, port)
        self.account = account or OctopusAccount()
        self.fault: Fault | None = None
        self.retry_after = 120
        self.requests: list[str] = []
        """The paths asked, with their queries."""

    def set_fault(self, fault: Fault | None) -> None:
        """Start misbehaving (``None``: behave again)."""
        self.fault = fault
        self._http.hold(held=fault is Fault.TIMEOUT)

    def _authorized(self, request: web.Request) -> bool:
        """Tell whether the request carries the account's key."""
        header = request.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return False
        user = base64.b64decode(header[6:]).decode().partition(":")[0]
        return user == API_KEY

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        """Answer one request."""
        self.requests.append(request.path_qs)
        if self.fault is Fault.TIMEOUT:
            await self._http.released()
            raise web.HTTPServiceUnavailable
        if self.fault is Fault.HTTP_500:
            return web.Response(status=500, text="Server Error")
        if self.fault is Fault.RATE_LIMITED:
            return web.json_response(
                {"detail": "Request was throttled."},
                status=429,
                headers={"Retry-After": str(self.retry_after)},
            )
        if self.fault is Fault.UNAUTHORIZED or not self._authorized(request):
            return web.json_response(
                {"detail": "Invalid API key."},
                status=401,
                headers={"WWW-Authenticate": 'Basic realm="api"'},
            )
        parts = [part for part in request.path.split("/") if part]
        answer = self._answer(parts, request)
        if answer is None:
            return web.json_response({"detail": "Not found."}, status=404)
        return web.json_response(answer)

    def _answer(self, parts: list[str], request: web.Request) -> Any:
        """Return the payload of a path (None: not found)."""
        account = self.account
        query = request.query
        match parts:
            case ["v1", "accounts", number] if number == ACCOUNT_NUMBER:
                return account.account()
            case ["v1", "products", _, fuel_tariffs, tariff, kind] if (
                tariff in FIXED_RATES
                and fuel_tariffs in {"electricity-tariffs", "gas-tariffs"}
                and kind in {"standard-unit-rates", "standing-charges"}
            ):
                rows = account.rates(
                    tariff,
                    kind,
                    _time(query, "period_from", account.agile_from),
                    _time(query, "period_to", account.agile_until()),
                )
                size = min(int(query.get("page_size", 100)), RATES_PAGE_SIZE)
                return self._page(request, rows, size)
            case [
                "v1",
                "electricity-meter-points" | "gas-meter-points",
                identifier,
                "meters",
                _,
                "consumption",
            ] if identifier in {IMPORT_MPAN, EXPORT_MPAN, GAS_MPRN}:
                rows = list(
                    account.half_hours(
                        identifier,
                        _time(query, "period_from", account.start()),
                        _time(query, "period_to", account.published_until()),
                    )
                )
                if query.get("order_by", "-period") != "period":
                    rows.reverse()
                size = min(int(query.get("page_size", 100)), MAX_PAGE_SIZE)
                return self._page(request, rows, size)
        return None

    def _page(
        self, request: web.Request, rows: list[dict[str, Any]], size: int
    ) -> dict[str, Any]:
        """Return one page of a list, with the API's ``next``/``previous`` links."""
        page = int(request.query.get("page", 1))
        chunk = rows[(page - 1) * size : page * size]
        url = URL(f"{self.url}{request.path}").with_query(dict(request.query))

        def link(number: int) -> str:
            return str(url.update_query(page=number))

        return {
            "count": len(rows),
            "next": link(page + 1) if page * size < len(rows) else None,
            "previous": link(page - 1) if page > 1 else None,
            "results": chunk,
        }


DEV_PORT = 2090

DEV = DevSetup(
    devices=(
        DevDevice(
            "Octopus account (import on Agile, export, gas)",
            (
                {"next_step_id": "octopus"},
                {
                    "api_key": API_KEY,
                    "account_number": ACCOUNT_NUMBER,
                    "gas_unit": "m3",
                    "api_url": f"http://{HOST}:{DEV_PORT}",
                },
            ),
        ),
    ),
    servers=lambda: {
        "Octopus Energy API (REST, HTTP)": OctopusSimulator(host=HOST, port=DEV_PORT)
    },
)
"""The development instance's Octopus account."""


async def _main() -> None:
    """Run the simulator until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=DEV_PORT)
    args = parser.parse_args()
    simulator = OctopusSimulator(host=HOST, port=args.port)
    await simulator.start()
    print(f"Octopus API on {simulator.url} (account {ACCOUNT_NUMBER}, key {API_KEY})")
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(_main())
