"""A Fluksometer on an MQTT broker: retained configuration, gauges and counters.

:class:`FluksoBroker` runs an MQTT broker (amqtt, pure Python) on loopback:
the FLM's own broker. :class:`FluksoSimulator` publishes to any broker what
an FLM02 or FLM03 does:

* its configuration, retained, on ``/device/<id>/config/sensor`` (and, for
  an FLM03, ``.../config/flx`` with the port names and classes, and
  ``.../config/kube``), shaped like the real topics
  (``sensor``: numbered entries with ``id``, ``type``, ``enable``, FLM02's
  ``function`` and ``class``, FLM03's ``subtype``, ``port``, ``data_type``);
* every ``interval`` seconds, ``[time, value, unit]`` gauges (W, L/day)
  and counters (Wh, L) of its enabled sensors, the counters integrating the
  gauges.

Tests also publish single messages (:meth:`FluksoSimulator.publish`) to play
faults: malformed payloads, a counter that restarts.

:class:`FluksoCloud` serves flukso.net's sensor API (``/sensor/<id>`` with
``X-Version: 1.0`` and the sensor's ``X-Token``; ``interval`` or
``start``/``end``, ``resolution``) on loopback: per sensor a series of
minute means, averaged over each interval of the resolution, the timestamp
at the interval's end, ``"nan"`` where a whole interval has no data. It can
refuse to answer (503), hold requests (a timeout) and append malformed rows.

Run ``python -m simulators.flukso --port 1883 --variant flm03`` by hand.
"""

import argparse
import asyncio
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
import json
import math
import time
from typing import Any

from aiohttp import web
import aiomqtt
from amqtt.broker import Broker

from .dev import HOST, DevDevice, DevSetup
from .http import HttpSimulator


class FluksoVariant(StrEnum):
    """The simulated meters."""

    FLM02 = "flm02"
    FLM03 = "flm03"


FLM02_DEVICE = "0123456789abcdef0123456789abcd02"
FLM03_DEVICE = "0123456789abcdef0123456789abcd03"


def sensor_id(number: int, variant: FluksoVariant) -> str:
    """Return the 32-hex-digit ID of a simulated sensor."""
    return f"{'2' if variant is FluksoVariant.FLM02 else '3'}{number:031x}"


@dataclass(slots=True)
class SimSensor:
    """A simulated sensor: what it reports and how it counts."""

    sensor_id: str
    kind: str
    """electricity, gas or water."""
    gauge_unit: str
    counter_unit: str | None
    base: float
    """The mean gauge value."""
    counter: float = 0.0


def _flm02_config() -> tuple[dict[str, Any], list[SimSensor]]:
    """Return an FLM02B's sensor configuration and its enabled sensors."""
    variant = FluksoVariant.FLM02
    main, solar, gas, water = (sensor_id(n, variant) for n in (1, 2, 4, 5))
    config = {
        "1": {
            "id": main, "type": "electricity", "function": "Main",
            "class": "analog", "enable": 1, "port": [1], "voltage": 230,
            "current": 50, "phase": 1,
        },
        "2": {
            "id": solar, "type": "electricity", "function": "Solar",
            "class": "analog", "enable": 1, "port": [2],
        },
        "3": {
            "id": sensor_id(3, variant), "type": "electricity",
            "function": "Unused", "class": "analog", "enable": 0, "port": [3],
        },
        "4": {
            "id": gas, "type": "gas", "function": "Gas", "class": "pulse",
            "enable": 1, "port": [4], "constant": 10,
        },
        "5": {
            "id": water, "type": "water", "function": "Water", "class": "pulse",
            "enable": 1, "port": [5], "constant": 1,
        },
        "daemon": {"wan_base_url": "https://api.flukso.net/"},
    }  # fmt: skip
    return config, [
        SimSensor(main, "electricity", "W", "Wh", 450.0, 2_149_218.0),
        SimSensor(solar, "electricity", "W", "Wh", 1200.0, 812_400.0),
        SimSensor(gas, "gas", "L/day", "L", 2400.0, 3_456_789.0),
        SimSensor(water, "water", "L/day", "L", 150.0, 123_456.0),
    ]


def _flm03_config() -> tuple[dict[str, Any], dict[str, Any], list[SimSensor]]:
    """Return an FLM03's sensor and flx configuration and its enabled sensors."""
    variant = FluksoVariant.FLM03
    entries: dict[str, Any] = {}
    sensors: list[SimSensor] = []
    number = 0
    for port, subtypes in (
        (1, ("pplus", "pminus", "q1", "vrms", "irms", "pf")),
        (7, ("pplus", "pminus")),
    ):
        for subtype in subtypes:
            number += 1
            sid = sensor_id(number, variant)
            counted = subtype in {"pplus", "pminus", "q1"}
            entries[str(number)] = {
                "id": sid,
                "type": "electricity",
                "subtype": subtype,
                "enable": 1,
                "rid": 0,
                "port": [port],
                "data_type": "counter" if counted else "gauge",
            }
            unit, base = {
                "pplus": ("W", 800.0),
                "pminus": ("W", 300.0),
                "q1": ("VAR", 40.0),
                "vrms": ("V", 231.0),
                "irms": ("A", 3.5),
                "pf": ("", 950.0),
            }[subtype]
            sensors.append(
                SimSensor(sid, "electricity", unit, "Wh" if counted else None, base)
            )
    entries[str(number + 1)] = {"id": sensor_id(number + 1, variant)}
    entries["tmpo"] = {"root": "/flukso/"}
    flx = {
        "1": {"enable": 1, "class": "ct", "name": "Kitchen", "current": 50},
        "7": {"enable": 1, "class": "uart", "name": "P1 port", "dsmr": 5},
        "main": {"led_mode": 255, "phase": "1p", "theta": 130},
    }
    return entries, flx, sensors


@dataclass(slots=True)
class FluksoSimulator:
    """Publish an FLM's topics to a broker; see the module docstring."""

    variant: FluksoVariant = FluksoVariant.FLM02
    host: str = HOST
    port: int = 1883
    interval: float = 1.0
    device_id: str = ""
    config: dict[str, Any] = field(default_factory=dict)
    flx: dict[str, Any] | None = None
    sensors: list[SimSensor] = field(default_factory=list)
    _task: asyncio.Task[None] | None = None

    def __post_init__(self) -> None:
        """Build the configuration of the variant."""
        if self.variant is FluksoVariant.FLM02:
            self.device_id = self.device_id or FLM02_DEVICE
            self.config, self.sensors = _flm02_config()
        else:
            self.device_id = self.device_id or FLM03_DEVICE
            self.config, self.flx, self.sensors = _flm03_config()

    async def publish(
        self, topic: str, payload: bytes | str, *, retain: bool = False
    ) -> None:
        """Publish one message to the broker."""
        payload = payload.encode() if isinstance(payload, str) else payload
        await self.publish_all([(topic, payload)], retain=retain)

    def config_messages(self) -> list[tuple[str, bytes]]:
        """Return the retained configuration topics and payloads."""
        base = f"/device/{self.device_id}/config"
        messages = [(f"{base}/sensor", json.dumps(self.config).encode())]
        if self.flx is not None:
            messages.append((f"{base}/flx", json.dumps(self.flx).encode()))
            messages.append((f"{base}/kube", b'{"main": {"max_nodes": 30}}'))
        return messages

    def reading_messages(self, now: float, elapsed: float) -> list[tuple[str, bytes]]:
        """Return the gauges and counters at ``now``, counting ``elapsed`` seconds."""
        messages: list[tuple[str, bytes]] = []
        stamp = int(now)
        for index, sensor in enumerate(self.sensors):
            gauge = self.gauge(index, now)
            messages.append(
                (
                    f"/sensor/{sensor.sensor_id}/gauge",
                    json.dumps([stamp, gauge, sensor.gauge_unit]).encode(),
                )
            )
            if sensor.counter_unit is None:
                continue
            per_second = gauge / 3600 if sensor.gauge_unit == "W" else gauge / 86400
            sensor.counter += per_second * elapsed
            messages.append(
                (
                    f"/sensor/{sensor.sensor_id}/counter",
                    json.dumps(
                        [stamp, round(sensor.counter), sensor.counter_unit]
                    ).encode(),
                )
            )
        return messages

    def gauge(self, index: int, now: float) -> float:
        """Return the gauge of the ``index``-th sensor at ``now``."""
        sensor = self.sensors[index]
        # A power factor (unitless, in thousandths) stays at most 1.
        swing = 0.04 if sensor.gauge_unit == "" else 0.2
        return round(sensor.base * (1 + swing * math.sin(now / 60 + index)), 3)

    async def publish_all(
        self, messages: list[tuple[str, bytes]], *, retain: bool = False
    ) -> None:
        """Publish messages in order over one connection."""
        async with aiomqtt.Client(self.host, self.port) as client:
            for topic, payload in messages:
                await client.publish(topic, payload, qos=1, retain=retain)

    async def publish_config(self) -> None:
        """Publish the configuration, retained."""
        await self.publish_all(self.config_messages(), retain=True)

    async def start(self) -> None:
        """Publish the configuration, then readings every ``interval`` seconds."""
        await self.publish_config()
        self._task = asyncio.create_task(self._run())

    async def stop(self) -> None:
        """Stop publishing readings."""
        if self._task is not None:
            self._task.cancel()
            await asyncio.gather(self._task, return_exceptions=True)
            self._task = None

    async def _run(self) -> None:
        """Publish readings until cancelled (reconnecting to a restarted broker)."""
        last = time.time()
        while True:
            try:
                async with aiomqtt.Client(self.host, self.port) as client:
                    while True:
                        now = time.time()
                        for topic, payload in self.reading_messages(now, now - last):
                            await client.publish(topic, payload)
                        last = now
                        await asyncio.sleep(self.interval)
            except aiomqtt.MqttError:
                await asyncio.sleep(self.interval)


type Series = Callable[[int], float | None]
"""A sensor's mean (W, L/day) over the minute ending at a unix time (None: none)."""

RESOLUTIONS = {"minute": 60, "15min": 900, "hour": 3600, "day": 86400}
INTERVALS = {"hour": 3600, "day": 86400, "week": 7 * 86400, "month": 31 * 86400}
DEFAULT_RESOLUTIONS = {"hour": "minute", "day": "15min", "week": "day", "month": "day"}
"""The resolution of each interval when none is asked for."""


class CloudFault(StrEnum):
    """How the simulated cloud misbehaves."""

    DOWN = "down"
    """Every request is answered 503."""
    TIMEOUT = "timeout"
    """Requests are held unanswered."""


@dataclass(frozen=True, slots=True)
class CloudSensor:
    """A sensor the cloud knows: its token and its minute means."""

    token: str
    series: Series


def token_of(sensor_id: str) -> str:
    """Return the simulated token of a sensor (its ID backwards)."""
    return sensor_id[::-1]


class FluksoCloud(HttpSimulator):
    """flukso.net's sensor API on a loopback port; see the module docstring."""

    def __init__(
        self, sensors: Mapping[str, CloudSensor], host: str = HOST, port: int = 0
    ) -> None:
        """Serve ``sensors`` on ``host:port`` (0: any free port)."""
        super().__init__(host, port)
        self.sensors = sensors
        self.fault: CloudFault | None = None
        self.malformed: list[Any] = []
        """Rows appended to every answer (malformed ones, for tests)."""
        self.requests: list[str] = []
        """The paths asked, with their queries."""
        self.asked = asyncio.Event()
        """Set by every request (tests wait for a held one)."""

    def set_fault(self, fault: CloudFault | None) -> None:
        """Start misbehaving (``None``: behave again)."""
        self.fault = fault
        self._http.hold(held=fault is CloudFault.TIMEOUT)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        """Answer one request."""
        self.requests.append(request.path_qs)
        self.asked.set()
        if self.fault is CloudFault.TIMEOUT:
            await self._http.released()
        if self.fault is CloudFault.DOWN:
            return web.Response(status=503, text="Service Unavailable")
        parts = [part for part in request.path.split("/") if part]
        sensor = self.sensors.get(parts[1]) if len(parts) == 2 else None  # noqa: PLR2004
        if parts[:1] != ["sensor"] or sensor is None:
            return web.json_response({"error": "not found"}, status=404)
        if request.headers.get("X-Version") != "1.0":
            return web.json_response({"error": "X-Version"}, status=400)
        if request.headers.get("X-Token") != sensor.token:
            return web.json_response({"error": "access denied"}, status=403)
        try:
            rows = self._rows(sensor.series, request.query)
        except KeyError, ValueError:
            return web.json_response({"error": "bad query"}, status=400)
        return web.json_response(rows + self.malformed)

    @staticmethod
    def _rows(series: Series, query: Mapping[str, str]) -> list[list[Any]]:
        """Return the ``[end, mean | "nan"]`` rows a query asks for."""
        if "interval" in query:
            end = int(time.time())
            start = end - INTERVALS[query["interval"]]
            resolution = query.get("resolution", DEFAULT_RESOLUTIONS[query["interval"]])
        else:
            start = int(query["start"])
            end = int(query.get("end", time.time()))
            resolution = query.get("resolution", "minute")
        step = RESOLUTIONS[resolution]
        rows: list[list[Any]] = []
        for stop in range(start - start % step + step, end + 1, step):
            found = [
                value
                for minute in range(stop - step + 60, stop + 1, 60)
                if (value := series(minute)) is not None
            ]
            rows.append([stop, sum(found) / len(found) if found else "nan"])
        return rows


def meter_cloud(
    meter: FluksoSimulator, days: float, host: str = HOST, port: int = 0
) -> FluksoCloud:
    """Return a cloud with the last ``days`` of a meter's counted sensors."""
    now = time.time()

    def series(index: int) -> Series:
        return lambda t: (
            meter.gauge(index, t) if now - days * 86400 < t <= now else None
        )

    return FluksoCloud(
        {
            sensor.sensor_id: CloudSensor(token_of(sensor.sensor_id), series(index))
            for index, sensor in enumerate(meter.sensors)
            if sensor in history_sensors(meter)
        },
        host,
        port,
    )


def history_sensors(meter: FluksoSimulator) -> list[SimSensor]:
    """Return the sensors whose history the wizard asks a token for."""
    return [
        sensor
        for sensor in meter.sensors
        if sensor.counter_unit is not None and sensor.gauge_unit != "VAR"
    ]


class FluksoBroker:
    """An MQTT broker (amqtt) on a loopback port: the FLM's own broker."""

    def __init__(self, host: str = HOST, port: int = 1883) -> None:
        """Listen on ``host:port`` once started."""
        self.host = host
        self._port = port
        self._broker: Broker | None = None

    @property
    def port(self) -> int:
        """Return the TCP port the broker listens on."""
        return self._port

    async def start(self) -> None:
        """Start accepting clients."""
        self._broker = Broker(
            {
                "listeners": {
                    "default": {"type": "tcp", "bind": f"{self.host}:{self._port}"}
                },
                "plugins": {
                    "amqtt.plugins.authentication.AnonymousAuthPlugin": {
                        "allow_anonymous": True
                    }
                },
            }
        )
        await self._broker.start()

    async def stop(self) -> None:
        """Stop the broker (its clients are disconnected; retained topics lost)."""
        if self._broker is not None:
            await self._broker.shutdown()
            self._broker = None


@dataclass(slots=True)
class _BrokerWithMeter:
    """The dev instance's broker with an FLM03 publishing to it."""

    port: int
    broker: FluksoBroker = field(init=False)
    meter: FluksoSimulator = field(init=False)

    def __post_init__(self) -> None:
        self.broker = FluksoBroker(HOST, self.port)
        self.meter = FluksoSimulator(FluksoVariant.FLM03, HOST, self.port)

    async def start(self) -> None:
        """Start the broker, then the meter."""
        await self.broker.start()
        await self.meter.start()


DEV_PORT = 18830
"""The dev instance's Flukso broker."""
DEV_CLOUD_PORT = 18831
"""The dev instance's flukso.net API."""
DEV_CLOUD_DAYS = 30.0
"""Days of history the dev instance's cloud has."""
_DEV_METER = FluksoSimulator(FluksoVariant.FLM03, HOST, DEV_PORT)
"""The dev meter's sensors (the cloud's history follows their gauges)."""

DEV = DevSetup(
    devices=(
        DevDevice(
            "Fluksometer (FLM03)",
            (
                {"next_step_id": "flukso"},
                {"next_step_id": "flukso_broker"},
                {"host": HOST, "port": DEV_PORT},
                {"history": True, "api_url": f"http://{HOST}:{DEV_CLOUD_PORT}"},
                *(
                    {"token": token_of(sensor.sensor_id)}
                    for sensor in history_sensors(_DEV_METER)
                ),
            ),
        ),
    ),
    servers=lambda: {
        "Fluksometer FLM03 (MQTT broker)": _BrokerWithMeter(DEV_PORT),
        "flukso.net API (the FLM03's history)": meter_cloud(
            _DEV_METER, DEV_CLOUD_DAYS, HOST, DEV_CLOUD_PORT
        ),
    },
)


async def _main() -> None:
    """Run a broker with one meter until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--port", type=int, default=1883)
    parser.add_argument("--variant", choices=list(FluksoVariant), default="flm03")
    args = parser.parse_args()
    broker = FluksoBroker(HOST, args.port)
    await broker.start()
    await FluksoSimulator(FluksoVariant(args.variant), HOST, args.port).start()
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(_main())
