"""The development instance's EV charger: a relay, no device to simulate.

The charger's relay is ``input_boolean.ev_charger_relay`` (in
``config/configuration.yaml``) and its grid power the simulated Belgian P1
meter's (the wizard asks which grid meter first: there are several).
"""

from .dev import DevDevice, DevSetup

DEV = DevSetup(
    (
        DevDevice(
            "EV charger (relay: input_boolean.ev_charger_relay)",
            (
                {"next_step_id": "ev_charger"},
                {"meter": "1SAG3100721326"},
                {
                    "relay_entity": "input_boolean.ev_charger_relay",
                    "grid_power_entity": "sensor.p1_meter_1326_grid_power",
                    "charger_power": 1400,
                },
            ),
        ),
    )
)
"""The charger the development instance adds (after the P1 meters)."""
