"""Find a SunSpec model wherever a device puts it.

A SunSpec device starts with the marker ``SunS`` at register 40000 (or 0, or
50000), followed by a chain of models, each an ID and a length. The
standard layout of a meter is the common model 1 (65 registers) at 40002 and
the meter model (203) at 40069; an inverter with a meter puts the meter's own
common model and meter model further down the chain (SolarEdge: 40121 and
40188). Maps are written for the standard layout; :func:`locate_model`
walks the chain and :func:`relocate` moves the map's addresses to where the
device has the model.
"""

from dataclasses import dataclass, replace

from .client import ModbusExceptionError, ModbusLink
from .schema import RegisterMap, RegisterType

BASES = (40000, 0, 50000)
MARKER = [0x5375, 0x6E53]
"""``SunS`` in ASCII."""
COMMON_MODEL = 1
END = 0xFFFF
STANDARD_COMMON = 40002
STANDARD_MODEL = 40069
MAX_MODELS = 64


@dataclass(frozen=True, slots=True)
class Location:
    """Where a device has a model and the common model describing it."""

    common: int
    """Address of the ID register of the common model (1) before it."""
    model: int
    """Address of the model's ID register."""


async def locate_model(
    link: ModbusLink, unit_id: int, model_id: int
) -> Location | None:
    """Walk a device's model chain to ``model_id`` (None: no such model).

    Raises:
        ModbusError: when the device cannot be read (other than a base it
            does not have).
    """
    for base in BASES:
        try:
            marker = await link.read(unit_id, RegisterType.HOLDING, base, 2)
        except ModbusExceptionError as err:
            if err.illegal_address:
                continue
            raise
        if marker != MARKER:
            continue
        address = base + 2
        common = address
        for _ in range(MAX_MODELS):
            model, length = await link.read(unit_id, RegisterType.HOLDING, address, 2)
            if model == model_id:
                return Location(common, address)
            if model == END:
                break
            if model == COMMON_MODEL:
                common = address
            address += 2 + length
        return None
    return None


def relocate(register_map: RegisterMap, location: Location) -> RegisterMap:
    """Return the map with its addresses moved to where the device has them.

    Registers of the common model (before the standard model address) move
    with the common model; the others with the model.
    """
    model_shift = location.model - STANDARD_MODEL
    common_shift = location.common - STANDARD_COMMON
    if not model_shift and not common_shift:
        return register_map
    registers = tuple(
        replace(
            register,
            address=register.address
            + (common_shift if register.address < STANDARD_MODEL else model_shift),
        )
        for register in register_map.registers
    )
    return replace(register_map, registers=registers)
