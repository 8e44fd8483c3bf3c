"""Coalesce registers into as few Modbus reads as possible.

A read covers consecutive registers of one table, at most ``max_count``
(125 is the protocol's limit for one request), and may span up to
``max_gap`` unused registers between two values when that saves a request.
A multi-register value is never split across two reads, so a 32-bit counter
is never assembled from two moments (a *torn* value).
"""

from collections.abc import Iterable
from dataclasses import dataclass

from .schema import Register, RegisterType

MAX_COUNT = 125
"""Registers one read may return (Modbus: 125 for functions 3 and 4)."""
DEFAULT_MAX_GAP = 16
"""Unused registers a read may span (fussy gateways: set 0)."""


@dataclass(frozen=True, slots=True)
class ReadBlock:
    """One read request and the values it returns."""

    register_type: RegisterType
    address: int
    count: int
    registers: tuple[Register, ...]

    def words(self, response: list[int], register: Register) -> list[int]:
        """Return the registers of one value out of this block's response."""
        start = register.address - self.address
        return response[start : start + register.count]


def plan_reads(
    registers: Iterable[Register],
    max_count: int = MAX_COUNT,
    max_gap: int = DEFAULT_MAX_GAP,
) -> list[ReadBlock]:
    """Group registers into read blocks (fewest requests, nothing split).

    Raises:
        ValueError: when ``max_count`` is out of 1..125, ``max_gap`` is
            negative, or a value is wider than ``max_count``.
    """
    if not 1 <= max_count <= MAX_COUNT:
        raise ValueError(f"max_count must be 1 to {MAX_COUNT}, not {max_count}")
    if max_gap < 0:
        raise ValueError(f"max_gap must not be negative, not {max_gap}")
    ordered = sorted(registers, key=lambda r: (r.register_type, r.address, r.end))
    blocks: list[ReadBlock] = []
    current: list[Register] = []
    start = end = 0
    for register in ordered:
        if register.count > max_count:
            raise ValueError(
                f"{register.key} spans {register.count} registers, more than "
                f"one read of {max_count}"
            )
        if (
            current
            and register.register_type == current[0].register_type
            and register.address - end <= max_gap
            and max(end, register.end) - start <= max_count
        ):
            current.append(register)
            end = max(end, register.end)
            continue
        if current:
            blocks.append(_block(current, start, end))
        current = [register]
        start, end = register.address, register.end
    if current:
        blocks.append(_block(current, start, end))
    return blocks


def split_block(block: ReadBlock) -> list[ReadBlock]:
    """Return smaller reads for a block the device refused.

    A block spanning unused registers becomes its gap-free runs (many devices
    refuse reads of registers they do not have); a gap-free block becomes one
    read per value.
    """
    runs = plan_reads(block.registers, block.count, max_gap=0)
    if len(runs) > 1:
        return runs
    return [
        ReadBlock(r.register_type, r.address, r.count, (r,)) for r in block.registers
    ]


def _block(registers: list[Register], start: int, end: int) -> ReadBlock:
    """Return the block reading ``registers`` from ``start`` to ``end``."""
    return ReadBlock(registers[0].register_type, start, end - start, tuple(registers))
