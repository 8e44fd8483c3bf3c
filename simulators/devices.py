"""The simulated devices of the development instance, and how to add them.

``python -m simulators`` serves every device listed here; the dev-only
``energy_monitor_dev`` helper in ``config/custom_components`` walks Energy
Monitor's real setup wizard with each device's answers, so a fresh
``script/develop`` instance shows live entities without hardware.
"""

from dataclasses import dataclass
from typing import Any

HOST = "127.0.0.1"
P1_DUTCH_PORT = 2001
P1_BELGIAN_PORT = 2002
FRONIUS_SYMO_PORT = 2080
FRONIUS_GEN24_PORT = 2081
MODBUS_PORT = 2020
MODBUS_METERS = {1: "eastron_sdm630", 2: "carlo_gavazzi_em24"}
"""Meters (unit ID: bundled map) behind the simulated Modbus TCP gateway."""


@dataclass(frozen=True, slots=True)
class DevDevice:
    """A simulated device and the wizard answers that add it."""

    name: str
    wizard: tuple[dict[str, Any], ...]


DEV_DEVICES: tuple[DevDevice, ...] = (
    DevDevice(
        "P1 meter (Netherlands, DSMR 5)",
        (
            {"next_step_id": "p1"},
            {"next_step_id": "p1_network"},
            {"host": HOST, "port": P1_DUTCH_PORT, "dsmr_version": "auto"},
        ),
    ),
    DevDevice(
        "P1 meter (Belgium, e-MUCS)",
        (
            {"next_step_id": "p1"},
            {"next_step_id": "p1_network"},
            {"host": HOST, "port": P1_BELGIAN_PORT, "dsmr_version": "auto"},
        ),
    ),
    *(
        DevDevice(
            f"Modbus meter {model} (gateway unit {unit})",
            (
                {"next_step_id": "modbus"},
                {"next_step_id": "modbus_tcp"},
                {
                    "host": HOST,
                    "port": MODBUS_PORT,
                    "transport": "tcp",
                    "unit_id": unit,
                    "meter_model": model,
                },
            ),
        )
        for unit, model in MODBUS_METERS.items()
    ),
    DevDevice(
        "EV charger (relay: input_boolean.ev_charger_relay)",
        (
            {"next_step_id": "ev_charger"},
            {
                "relay_entity": "input_boolean.ev_charger_relay",
                "grid_power_entity": "sensor.p1_meter_grid_power",
                "charger_power": 1400,
            },
        ),
    ),
    DevDevice(
        "Fronius Symo with Datamanager and smart meter",
        (
            {"next_step_id": "fronius"},
            {"host": f"{HOST}:{FRONIUS_SYMO_PORT}"},
        ),
    ),
    DevDevice(
        "Fronius Gen24 with battery and smart meter",
        (
            {"next_step_id": "fronius"},
            {"host": f"{HOST}:{FRONIUS_GEN24_PORT}"},
        ),
    ),
)
