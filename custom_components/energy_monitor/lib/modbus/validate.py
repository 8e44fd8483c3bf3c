"""The register-map validator.

:func:`validate_map` finds what parsing cannot see row by row: duplicate
keys, registers at the same or overlapping addresses (the lotus-leaf Eaton
sheet puts three power factors at 4690 and two voltage angles at 11461),
energy counters that are not ``total_increasing``, vocabulary keys with
another unit than the vocabulary fixes, and scale registers that do not
exist. It runs on every bundled map in the tests and on custom maps in the
setup wizard.
"""

from collections import defaultdict
import itertools

from ..vocabulary import StateClass
from .registers import DataType
from .schema import ENERGY_DEVICE_CLASSES, KEY_UNITS, MapProblem, Register, RegisterMap

_INTEGER_TYPES = frozenset({DataType.INT16, DataType.UINT16})


def validate_map(register_map: RegisterMap) -> list[MapProblem]:
    """Return every structural problem of a map (empty when it is usable)."""
    problems = _duplicate_keys(register_map.registers)
    problems += _address_clashes(register_map.registers)
    keys = {register.key: register for register in register_map.registers}
    for register in register_map.registers:
        problems += _register_problems(register, keys, register_map.max_count)
    return problems


def _duplicate_keys(registers: tuple[Register, ...]) -> list[MapProblem]:
    """Report keys used by more than one register."""
    seen: set[str] = set()
    problems = []
    for register in registers:
        if register.key in seen:
            problems.append(
                MapProblem("duplicate_key", "key used more than once", register.key)
            )
        seen.add(register.key)
    return problems


def _address_clashes(registers: tuple[Register, ...]) -> list[MapProblem]:
    """Report registers at the same address or overlapping another one."""
    by_table: dict[str, list[Register]] = defaultdict(list)
    for register in registers:
        by_table[register.register_type].append(register)
    problems = []
    for table, members in by_table.items():
        ordered = sorted(members, key=lambda r: (r.address, r.end))
        for previous, current in itertools.pairwise(ordered):
            if current.address == previous.address:
                problems.append(
                    MapProblem(
                        "duplicate_address",
                        f"{table} register {current.address} is also {previous.key!r}",
                        current.key,
                    )
                )
            elif current.address < previous.end:
                problems.append(
                    MapProblem(
                        "overlapping_addresses",
                        f"{table} registers {current.address}-{current.end - 1} "
                        f"overlap {previous.key!r} "
                        f"({previous.address}-{previous.end - 1})",
                        current.key,
                    )
                )
    return problems


def _register_problems(
    register: Register, keys: dict[str, Register], max_count: int | None
) -> list[MapProblem]:
    """Report what is wrong with one register in the context of its map."""
    problems = []
    key = register.key
    if (
        register.device_class in ENERGY_DEVICE_CLASSES
        and register.state_class is not StateClass.TOTAL_INCREASING
    ):
        problems.append(
            MapProblem(
                "energy_not_total_increasing",
                f"an energy counter must be total_increasing, not "
                f"{register.state_class}",
                key,
            )
        )
    if key in KEY_UNITS and register.unit != KEY_UNITS[key]:
        problems.append(
            MapProblem(
                "wrong_unit",
                f"the vocabulary key is in {KEY_UNITS[key] or 'no unit'}, not "
                f"{register.unit}; scale the value",
                key,
            )
        )
    if (name := register.scale_register) is not None:
        helper = keys.get(name)
        if helper is None:
            problems.append(
                MapProblem("unknown_scale_register", f"no register {name!r}", key)
            )
        elif helper.data_type not in _INTEGER_TYPES:
            problems.append(
                MapProblem(
                    "bad_scale_register",
                    f"scale register {name!r} must be INT16 or UINT16",
                    key,
                )
            )
    if max_count is not None and register.count > max_count:
        problems.append(
            MapProblem(
                "too_large",
                f"{register.count} registers exceed the meter's maximum read "
                f"of {max_count}",
                key,
            )
        )
    return problems
