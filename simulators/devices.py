"""The simulated devices of the development instance, and how to add them.

Every source whose spec names a simulator module (``SourceSpec.simulator``)
contributes that module's ``DEV`` (:class:`~.dev.DevSetup`):
``python -m simulators`` serves their devices, and the dev-only
``energy_monitor_dev`` helper in ``config/custom_components`` walks Energy
Monitor's real setup wizard with each device's answers, so a fresh
``script/develop`` instance shows live entities without hardware.
"""

import importlib

from custom_components.energy_monitor.sources import SPECS

from .dev import DevDevice, DevSetup


def _dev_setups() -> tuple[DevSetup, ...]:
    """Return the ``DEV`` of every source's simulator module, in menu order.

    Raises:
        TypeError: when a simulator module's ``DEV`` is not a DevSetup.
    """
    setups: list[DevSetup] = []
    for spec in SPECS:
        if spec.simulator is None:
            continue
        module = importlib.import_module(f"{__package__}.{spec.simulator}")
        setup = getattr(module, "DEV", None)
        if not isinstance(setup, DevSetup):
            raise TypeError(f"{module.__name__}.DEV is not a DevSetup")
        setups.append(setup)
    return tuple(setups)


DEV_SETUPS = _dev_setups()
"""The development instance's simulated devices, per source."""

DEV_DEVICES: tuple[DevDevice, ...] = tuple(
    device for setup in DEV_SETUPS for device in setup.devices
)
"""Every simulated device, in the order the helper adds them."""
