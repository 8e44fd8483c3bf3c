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
