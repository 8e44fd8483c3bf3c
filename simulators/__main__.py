"""Run every simulator of the development instance until interrupted.

``python -m simulators`` (``script/develop`` does this for you).
"""

import asyncio
from datetime import datetime
from zoneinfo import ZoneInfo

from custom_components.energy_monitor.lib.modbus.catalog import load_bundled_map

from .devices import (
    FRONIUS_GEN24_PORT,
    FRONIUS_SYMO_PORT,
    HOST,
    MODBUS_METERS,
    MODBUS_PORT,
    P1_BELGIAN_PORT,
    P1_DUTCH_PORT,
)
from .fronius import FroniusSimulator, FroniusVariant
from .modbus import ModbusMeterSimulator
from .p1 import P1Simulator, P1TelegramBuilder, P1Variant

_ZONE = ZoneInfo("Europe/Brussels")


def _belgian_meter() -> P1TelegramBuilder:
    """Return a Belgian meter with its own equipment ID."""
    return P1TelegramBuilder(P1Variant.BELGIUM, equipment_id="1SAG3100721326")


async def main() -> None:
    """Start the simulators and keep them running."""
    simulators: dict[str, P1Simulator | FroniusSimulator | ModbusMeterSimulator] = {
        "P1 meter, Netherlands (DSMR 5)": P1Simulator(
            variant=P1Variant.DSMR5, host=HOST, port=P1_DUTCH_PORT
        ),
        "P1 meter, Belgium (e-MUCS)": P1Simulator(
            builder=_belgian_meter(), host=HOST, port=P1_BELGIAN_PORT
        ),
        "Fronius Symo, Datamanager (Solar API, HTTP)": FroniusSimulator(
            variant=FroniusVariant.SYMO, host=HOST, port=FRONIUS_SYMO_PORT
        ),
        "Fronius Gen24 with battery (Solar API, HTTP)": FroniusSimulator(
            variant=FroniusVariant.GEN24, host=HOST, port=FRONIUS_GEN24_PORT
        ),
        f"Modbus TCP gateway ({', '.join(MODBUS_METERS.values())})": (
            ModbusMeterSimulator(
                {
                    unit: load_bundled_map(model)
                    for unit, model in MODBUS_METERS.items()
                },
                host=HOST,
                port=MODBUS_PORT,
            )
        ),
    }
    for name, simulator in simulators.items():
        await simulator.start()
        print(f"{datetime.now(_ZONE):%H:%M:%S} {name}: {HOST}:{simulator.port}")
    await asyncio.Event().wait()


if __name__ == "__main__":
    asyncio.run(main())
