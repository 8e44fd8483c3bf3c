"""A P1 smart meter on a TCP socket, as a Wi-Fi P1 dongle or ser2net serves it.

:class:`P1TelegramBuilder` writes valid DSMR 5 (Dutch) or e-MUCS (Belgian)
telegrams for any moment of a :class:`~simulators.profile.HouseholdProfile`:
counters integrate the household's grid power per tariff, and the Belgian
flavour carries the capacity-tariff registers (quarter demand, month peak and
13-month history) plus gas and water meters.

:class:`P1Simulator` streams them to every client, optionally encrypted like a
Luxembourg Smarty meter, and can inject faults: bad CRCs, truncated telegrams,
garbage, dropped connections and silence.

Run ``python -m simulators.p1 --port 2001 --variant 5B`` to start one by hand.
"""

import argparse
import asyncio
from collections.abc import Callable
import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from dlms_cosem.security import SecurityControlField, encrypt
from dsmr_parser.parsers import TelegramParser

from .dev import HOST, DevDevice, DevSetup
from .profile import ZONE, GridProfile, HouseholdProfile, moment_noise, wall_clock

_PHASE_SHARES = (0.45, 0.30, 0.25)
_SYSTEM_TITLE = b"SAG\x00\x01\x02\x03\x04"


class P1Variant(StrEnum):
    """Telegram flavours the simulator writes."""

    DSMR5 = "5"
    BELGIUM = "5B"


def _hex_id(text: str) -> str:
    """Encode an equipment ID as DSMR does (hex of its ASCII)."""
    return text.encode().hex().upper()


def _month_start(moment: datetime) -> datetime:
    """Return the start of the (local) month of ``moment``."""
    local = moment.astimezone(ZONE)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)


def _earlier_peak(local: datetime) -> tuple[float, datetime | None]:
    """Return the month's peak before the simulator started, as a meter keeps it.

    Yesterday evening's quarter hour (1.5 to 4.5 kW), unless the month
    started since; then no peak yet (0 kW, stamped at the month's start).
    """
    start = _month_start(local)
    evening = local.replace(hour=18, minute=15, second=0, microsecond=0)
    when = evening - timedelta(days=1)
    if when < start:
        return (0.0, None)
    return (1.5 + 3.0 * moment_noise(start, "month peak"), when)


def _stamp(moment: datetime) -> str:
    """Format a DSMR timestamp with its summer/winter flag."""
    local = moment.astimezone(ZONE)
    flag = "S" if local.dst() else "W"
    return local.strftime("%y%m%d%H%M%S") + flag


@dataclass(slots=True)
class _Counters:
    """The meter's registers."""

    import_t1: float = 1234.567
    import_t2: float = 2345.678
    export_t1: float = 345.678
    export_t2: float = 456.789
    gas: float = 1500.123
    water: float = 321.456


class P1TelegramBuilder:
    """Write the telegram a meter in this household sends at a moment."""

    def __init__(
        self,
        variant: P1Variant = P1Variant.DSMR5,
        profile: GridProfile | None = None,
        equipment_id: str = "E0044007382246019",
    ) -> None:
        """Create a meter with plausible starting counters."""
        self.variant = variant
        self.profile: GridProfile = profile or HouseholdProfile()
        self.equipment_id = equipment_id
        self.counters = _Counters()
        self._last: datetime | None = None
        self._quarter_start: datetime | None = None
        self._quarter_energy = 0.0
        self._month_peak: tuple[float, datetime | None] = (0.0, None)
        self._month: tuple[int, int] | None = None

    def tariff(self, moment: datetime) -> int:
        """Return the active tariff: NL 1 = low (night, weekend), BE 2 = night."""
        local = moment.astimezone(ZONE)
        night = local.hour >= 22 or local.hour < 7 or local.weekday() >= 5  # noqa: PLR2004
        if self.variant is P1Variant.BELGIUM:
            return 2 if night else 1
        return 1 if night else 2

    def _advance(self, moment: datetime, grid: float) -> None:
        """Integrate the grid power since the previous telegram."""
        seconds = 0.0 if self._last is None else (moment - self._last).total_seconds()
        seconds = max(seconds, 0.0)
        self._last = moment
        energy = abs(grid) * seconds / 3_600_000
        counters = self.counters
        tariff = self.tariff(moment)
        if grid >= 0:
            if tariff == 1:
                counters.import_t1 += energy
            else:
                counters.import_t2 += energy
        elif tariff == 1:
            counters.export_t1 += energy
        else:
            counters.export_t2 += energy
        counters.gas += 0.4 * seconds / 3600
        counters.water += 0.02 * seconds / 3600
        self._advance_demand(moment, energy if grid >= 0 else 0.0)

    def _advance_demand(self, moment: datetime, imported: float) -> None:
        """Track the quarter-hour demand and the month's peak (Belgium)."""
        local = moment.astimezone(ZONE)
        quarter = local.replace(minute=local.minute - local.minute % 15, second=0)
        quarter = quarter.replace(microsecond=0)
        if (local.year, local.month) != self._month:
            self._month = (local.year, local.month)
            self._month_peak = _earlier_peak(local)
        if quarter != self._quarter_start:
            if self._quarter_start is not None:
                demand = self._quarter_energy * 4
                if demand > self._month_peak[0]:
                    self._month_peak = (demand, quarter)
            self._quarter_start = quarter
            self._quarter_energy = 0.0
        self._quarter_energy += imported

    def quarter_demand(self, moment: datetime) -> float:
        """Return the running average import of this quarter hour (kW)."""
        if self._quarter_start is None:
            return 0.0
        elapsed = (moment - self._quarter_start).total_seconds()
        return self._quarter_energy * 3600 / max(elapsed, 1.0)

    def build(self, moment: datetime) -> bytes:
        """Return the complete telegram (with CRC) for ``moment``."""
        grid = self.profile.grid(moment)
        self._advance(moment, grid)
        body = (
            self._belgian_lines(moment, grid)
            if self.variant is P1Variant.BELGIUM
            else self._dutch_lines(moment, grid)
        )
        text = "\r\n".join(body) + "\r\n!"
        crc = TelegramParser.crc16(text)
        return f"{text}{crc:04X}\r\n".encode()

    def _electricity_lines(self, moment: datetime, grid: float) -> list[str]:
        """Return the lines every flavour shares."""
        counters = self.counters
        power_in = max(grid, 0.0) / 1000
        power_out = max(-grid, 0.0) / 1000
        lines = [
            f"1-0:1.8.1({counters.import_t1:010.3f}*kWh)",
            f"1-0:1.8.2({counters.import_t2:010.3f}*kWh)",
            f"1-0:2.8.1({counters.export_t1:010.3f}*kWh)",
            f"1-0:2.8.2({counters.export_t2:010.3f}*kWh)",
            f"0-0:96.14.0({self.tariff(moment):04d})",
        ]
        if self.variant is P1Variant.BELGIUM:
            peak, peak_time = self._month_peak
            peak_stamp = _stamp(peak_time or _month_start(moment))
            lines += [
                f"1-0:1.4.0({self.quarter_demand(moment):06.3f}*kW)",
                f"1-0:1.6.0({peak_stamp})({peak:06.3f}*kW)",
                self._peak_history(moment),
            ]
        lines += [
            f"1-0:1.7.0({power_in:06.3f}*kW)",
            f"1-0:2.7.0({power_out:06.3f}*kW)",
        ]
        voltages = [230.0 + 4 * moment_noise(moment, f"v{i}") - 2 for i in range(3)]
        for index, share in enumerate(_PHASE_SHARES):
            lines.append(f"1-0:{21 + 20 * index}.7.0({power_in * share:06.3f}*kW)")
        for index, share in enumerate(_PHASE_SHARES):
            lines.append(f"1-0:{22 + 20 * index}.7.0({power_out * share:06.3f}*kW)")
        for index, voltage in enumerate(voltages):
            lines.append(f"1-0:{32 + 20 * index}.7.0({voltage:05.1f}*V)")
        for index, (share, voltage) in enumerate(
            zip(_PHASE_SHARES, voltages, strict=True)
        ):
            current = abs(grid) * share / voltage
            lines.append(f"1-0:{31 + 20 * index}.7.0({current:06.2f}*A)")
        return lines

    def _peak_history(self, moment: datetime) -> str:
        """Return the 13-month peak history (0-0:98.1.0) of a Belgian meter."""
        local = moment.astimezone(ZONE)
        entries = []
        year, month = local.year, local.month
        for _ in range(13):
            month -= 1
            if month == 0:
                year, month = year - 1, 12
            start = datetime(year, month, 1, tzinfo=ZONE)
            peak_time = start + timedelta(days=9, hours=18, minutes=15)
            value = 2.0 + 4.0 * moment_noise(start, "peak")
            entries.append(f"({_stamp(start)})({_stamp(peak_time)})({value:06.3f}*kW)")
        return "0-0:98.1.0(13)(1-0:1.6.0)(1-0:1.6.0)" + "".join(entries)

    def _capture(self, moment: datetime) -> str:
        """Return the timestamp of the last 5-minute MBus capture."""
        local = moment.astimezone(ZONE)
        captured = local.replace(minute=local.minute - local.minute % 5, second=0)
        return _stamp(captured.replace(microsecond=0))

    def _dutch_lines(self, moment: datetime, grid: float) -> list[str]:
        """Return a DSMR 5 telegram's lines (without the CRC line)."""
        return [
            "/ISK5\\2M550T-1012",
            "",
            "1-3:0.2.8(50)",
            f"0-0:1.0.0({_stamp(moment)})",
            f"0-0:96.1.1({_hex_id(self.equipment_id)})",
            *self._electricity_lines(moment, grid),
            "0-0:96.7.21(00005)",
            "0-0:96.7.9(00003)",
            "1-0:99.97.0(0)(0-0:96.7.19)",
            "1-0:32.32.0(00001)",
            "1-0:52.32.0(00001)",
            "1-0:72.32.0(00002)",
            "1-0:32.36.0(00000)",
            "1-0:52.36.0(00000)",
            "1-0:72.36.0(00000)",
            "0-0:96.13.0()",
            "0-1:24.1.0(003)",
            f"0-1:96.1.0({_hex_id('G0039001936990619')})",
            f"0-1:24.2.1({self._capture(moment)})({self.counters.gas:09.3f}*m3)",
        ]

    def _belgian_lines(self, moment: datetime, grid: float) -> list[str]:
        """Return an e-MUCS 1.7.1 telegram's lines (without the CRC line)."""
        return [
            "/FLU5\\253769484_A",
            "",
            "0-0:96.1.4(50217)",
            f"0-0:96.1.1({_hex_id(self.equipment_id)})",
            f"0-0:1.0.0({_stamp(moment)})",
            *self._electricity_lines(moment, grid),
            "0-0:96.3.10(1)",
            "0-0:17.0.0(999.9*kW)",
            "1-0:31.4.0(999*A)",
            "0-0:96.13.0()",
            "0-1:24.1.0(003)",
            f"0-1:96.1.1({_hex_id('7FLO2123088027')})",
            "0-1:24.4.0(1)",
            f"0-1:24.2.3({self._capture(moment)})({self.counters.gas:09.3f}*m3)",
            "0-2:24.1.0(007)",
            f"0-2:96.1.1({_hex_id('8SET0000961173')})",
            f"0-2:24.2.1({self._capture(moment)})({self.counters.water:09.3f}*m3)",
        ]


def encrypt_telegram(
    telegram: bytes,
    encryption_key: bytes,
    authentication_key: bytes,
    invocation_counter: int,
) -> bytes:
    """Wrap a telegram in a DLMS general-global-cipher frame (like LU Smarty)."""
    control = SecurityControlField(security_suite=0, authenticated=True, encrypted=True)
    ciphered: bytes = encrypt(
        control,
        _SYSTEM_TITLE,
        invocation_counter,
        encryption_key,
        telegram,
        authentication_key,
    )
    control_byte: bytes = control.to_bytes()
    content = control_byte + invocation_counter.to_bytes(4, "big") + ciphered
    return (
        bytes([0xDB, len(_SYSTEM_TITLE)])
        + _SYSTEM_TITLE
        + b"\x82"
        + len(content).to_bytes(2, "big")
        + content
    )


class P1Simulator:
    """Stream telegrams to every client of a TCP port; inject faults on demand."""

    def __init__(
        self,
        *,
        variant: P1Variant = P1Variant.DSMR5,
        host: str = "127.0.0.1",
        port: int = 0,
        interval: float = 1.0,
        clock: Callable[[], datetime] = wall_clock,
        builder: P1TelegramBuilder | None = None,
        encryption_key: bytes | None = None,
        authentication_key: bytes = bytes(16),
    ) -> None:
        """Configure the simulator; :meth:`start` opens the port."""
        self.builder = builder or P1TelegramBuilder(variant)
        self.host = host
        self.interval = interval
        self.clock = clock
        self.encryption_key = encryption_key
        self.authentication_key = authentication_key
        self.telegrams_sent = 0
        self.connections = 0
        self._requested_port = port
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._faults: list[str] = []
        self._running = asyncio.Event()
        self._running.set()
        self._invocation_counter = 1

    @property
    def port(self) -> int:
        """Return the TCP port the simulator listens on."""
        if self._server is None:
            return self._requested_port
        port: int = self._server.sockets[0].getsockname()[1]
        return port

    async def start(self) -> None:
        """Open the port (again, after :meth:`stop`, on the same number)."""
        self._server = await asyncio.start_server(
            self._serve, self.host, self._requested_port, reuse_address=True
        )
        self._requested_port = self.port

    async def stop(self) -> None:
        """Close the port and every connection."""
        if self._server is not None:
            self._server.close()
            await self.disconnect_clients()
            tasks = list(self._tasks)
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await self._server.wait_closed()
            self._server = None

    async def disconnect_clients(self) -> None:
        """Drop every connection; the port stays open for reconnects."""
        writers = list(self._writers)
        self._writers.clear()
        for writer in writers:
            writer.close()
        for writer in writers:
            with contextlib.suppress(OSError):
                await writer.wait_closed()

    def pause(self) -> None:
        """Stop sending (the connection stays open, like a stalled dongle)."""
        self._running.clear()

    def resume(self) -> None:
        """Send again after :meth:`pause`."""
        self._running.set()

    def inject(self, fault: str, count: int = 1) -> None:
        """Spoil the next ``count`` telegrams.

        Faults: ``bad_crc``, ``truncated`` and ``garbage``.
        """
        if fault not in {"bad_crc", "truncated", "garbage"}:
            raise ValueError(f"unknown fault {fault}")
        self._faults.extend([fault] * count)

    def next_payload(self) -> bytes:
        """Return the bytes of the next telegram, faults and encryption applied."""
        telegram = self.builder.build(self.clock())
        fault = self._faults.pop(0) if self._faults else None
        if fault == "bad_crc":
            end = telegram.rindex(b"!") + 1
            crc = int(telegram[end : end + 4], 16) ^ 0x5A5A
            telegram = telegram[:end] + f"{crc:04X}\r\n".encode()
        elif fault == "truncated":
            telegram = telegram[: len(telegram) // 2]
        elif fault == "garbage":
            telegram = b"\x00\x13garbage(((***\r\n" * 4
        if self.encryption_key is not None and fault != "garbage":
            self._invocation_counter += 1
            return encrypt_telegram(
                telegram,
                self.encryption_key,
                self.authentication_key,
                self._invocation_counter,
            )
        return telegram

    async def _serve(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        """Stream telegrams to one client until it or the simulator closes."""
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        self._writers.add(writer)
        self.connections += 1
        try:
            while writer in self._writers:
                await self._running.wait()
                if writer not in self._writers:
                    break
                writer.write(self.next_payload())
                await writer.drain()
                self.telegrams_sent += 1
                await asyncio.sleep(self.interval)
        except OSError:
            pass
        finally:
            self._writers.discard(writer)
            writer.close()


DEV_DUTCH_PORT = 2001
DEV_BELGIAN_PORT = 2002

DEV = DevSetup(
    devices=tuple(
        DevDevice(
            name,
            (
                {"next_step_id": "p1"},
                {"next_step_id": "p1_network"},
                {"host": HOST, "port": port, "dsmr_version": "auto"},
            ),
        )
        for name, port in (
            ("P1 meter (Netherlands, DSMR 5)", DEV_DUTCH_PORT),
            ("P1 meter (Belgium, e-MUCS)", DEV_BELGIAN_PORT),
        )
    ),
    servers=lambda: {
        "P1 meter, Netherlands (DSMR 5)": P1Simulator(
            variant=P1Variant.DSMR5, host=HOST, port=DEV_DUTCH_PORT
        ),
        "P1 meter, Belgium (e-MUCS)": P1Simulator(
            builder=P1TelegramBuilder(P1Variant.BELGIUM, equipment_id="1SAG3100721326"),
            host=HOST,
            port=DEV_BELGIAN_PORT,
        ),
    },
)
"""The development instance's P1 meters: a Dutch and a Belgian one."""


async def _main() -> None:
    """Run one simulator until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=2001)
    parser.add_argument("--variant", choices=[v.value for v in P1Variant], default="5")
    parser.add_argument("--interval", type=float, default=1.0)
    parser.add_argument("--key", help="encrypt with this 32-hex-digit key")
    args = parser.parse_args()
    simulator = P1Simulator(
        variant=P1Variant(args.variant),
        host=args.host,
        port=args.port,
        interval=args.interval,
        encryption_key=bytes.fromhex(args.key) if args.key else None,
    )
    await simulator.start()
    print(f"P1 simulator ({args.variant}) on {args.host}:{simulator.port}")
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(_main())
