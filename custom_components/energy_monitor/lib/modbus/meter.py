"""Read one meter: its scan groups, batched, decoded and scaled.

:class:`MeterReader` plans the reads of each scan group once (see
:mod:`.batching`) and turns the answers into values. A meter that refuses a
read spanning registers it does not have (exception 2, *illegal address*)
gets that read split into its gap-free runs, then into one read per value;
a value the meter refuses on its own is left out and asked again later, with
a backoff (a minute doubling to an hour): a gateway that answers "illegal
address" for a moment loses those values only for a while, and only a
register that is refused every time stays out. Once no value is refused any
more, the reads are planned again, so a brief refusal leaves no split reads
behind.
A failed read leaves its values out of the result, so only the entities of
that read become unavailable; when every read of a group fails, the group
fails. A SunSpec map is first moved to where the device's model chain puts
its model; a map whose meters answer both functions 3 and 4 switches to the
other register table when the meter refuses a whole group in the first.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from ..backoff import Backoff
from .batching import DEFAULT_MAX_GAP, MAX_COUNT, ReadBlock, plan_reads, split_block
from .client import (
    ExceptionCode,
    ModbusConnectionError,
    ModbusError,
    ModbusExceptionError,
    ModbusLink,
)
from .registers import decode, scaled, unsigned
from .schema import Register, RegisterMap, RegisterType, ScanGroup
from .sunspec import locate_model, relocate

type Value = float | str | None

MAX_EXPONENT = 10
"""A scale-factor register beyond ±10 is garbage, not a scale."""
REFUSED_RETRY_FIRST = 60.0
"""Seconds before a refused register is asked again (doubling)..."""
REFUSED_RETRY_MAX = 3600.0
"""... up to an hour, for a register the meter never has."""


def value_of(register: Register, words: list[int], exponent: int | None = 0) -> Value:
    """Decode, check and scale one register's words.

    ``exponent`` is the value of its scale register (None when that is not
    available, which makes the value unknown too).
    """
    raw = decode(words, register.data_type, register.word_order, register.byte_order)
    if isinstance(raw, str):
        return raw
    count = register.count
    if (
        register.invalid is not None
        and isinstance(raw, int)
        and unsigned(raw, count) == unsigned(register.invalid, count)
    ):
        return None
    if exponent is None:
        return None
    return scaled(raw, register.data_type, register.scale, register.offset, exponent)


def identity_text(value: Value) -> str | None:
    """Return an identity value as text (``22000001``, not ``22000001.0``)."""
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(slots=True)
class GroupResult:
    """What one poll of a scan group read."""

    values: dict[str, Value] = field(default_factory=dict)
    """Every value read (None: the meter says "not available")."""
    errors: list[ModbusError] = field(default_factory=list)
    """The reads that failed (their values are missing from ``values``)."""
    requests: int = 0


class MeterReader:
    """Poll the scan groups of one meter behind a :class:`ModbusLink`."""

    def __init__(
        self,
        link: ModbusLink,
        unit_id: int,
        register_map: RegisterMap,
        *,
        max_count: int | None = None,
        max_gap: int | None = None,
    ) -> None:
        """Plan the reads of every scan group.

        ``max_count``/``max_gap`` override the map's and the defaults.

        Raises:
            ValueError: when the limits are out of range.
        """
        self.link = link
        self.unit_id = unit_id
        self.register_map = register_map
        self.max_count = max_count or register_map.max_count or MAX_COUNT
        self.max_gap = (
            max_gap
            if max_gap is not None
            else (
                register_map.max_gap
                if register_map.max_gap is not None
                else DEFAULT_MAX_GAP
            )
        )
        self._refused: dict[str, tuple[Backoff, float]] = {}
        """Refused registers: their backoff and when to ask again."""
        self.plans = self._plan()
        self._located = register_map.sunspec_model is None
        self._switched = False
        self._answered = False

    def _plan(self) -> dict[ScanGroup, list[ReadBlock]]:
        """Return the reads of every scan group."""
        return {
            group: plan_reads(
                self._with_helpers(
                    r for r in self.register_map.registers if r.scan_group is group
                ),
                self.max_count,
                self.max_gap,
            )
            for group in ScanGroup
        }

    async def _locate(self) -> None:
        """Move a SunSpec map to where the device has its model (once)."""
        if self._located or self.register_map.sunspec_model is None:
            return
        location = await locate_model(
            self.link, self.unit_id, self.register_map.sunspec_model
        )
        if location is not None:
            self.register_map = relocate(self.register_map, location)
            self.plans = self._plan()
        self._located = True

    def _with_helpers(self, registers: Iterable[Register]) -> list[Register]:
        """Add the scale registers the given registers need."""
        selected = {register.key: register for register in registers}
        for register in list(selected.values()):
            if register.scale_register is not None:
                helper = self.register_map.register(register.scale_register)
                selected.setdefault(helper.key, helper)
        return list(selected.values())

    @property
    def groups(self) -> list[ScanGroup]:
        """Return the scan groups that have registers."""
        return [group for group, plan in self.plans.items() if plan]

    @property
    def unsupported(self) -> set[str]:
        """Return the registers the meter refused and that are not read now."""
        return set(self._refused)

    def _refuse(self, key: str) -> None:
        """Leave out a register the meter refused, until its retry is due."""
        backoff = self._refused.get(
            key, (Backoff(REFUSED_RETRY_FIRST, REFUSED_RETRY_MAX), 0.0)
        )[0]
        self._refused[key] = (backoff, self.link.now() + backoff.failed())

    def _wanted(self, block: ReadBlock) -> list[Register]:
        """Return the registers of a block to read now (refused ones when due)."""
        now = self.link.now()
        return [
            register
            for register in block.registers
            if register.key not in self._refused
            or now >= self._refused[register.key][1]
        ]

    def _accepted(self, registers: list[Register]) -> None:
        """Forget the refusals of registers read; re-plan once none is left."""
        if not self._refused:
            return
        for register in registers:
            self._refused.pop(register.key, None)
        if not self._refused:
            self.plans = self._plan()

    async def read_group(self, group: ScanGroup) -> GroupResult:
        """Read every register of a scan group.

        Raises:
            ModbusError: when no read of the group succeeded (the last error;
                a lost connection at once).
        """
        await self._locate()
        result = GroupResult()
        words: dict[str, list[int]] = {}
        plan = self.plans[group]
        index = 0
        while index < len(plan):
            block = plan[index]
            index += 1
            wanted = self._wanted(block)
            if not wanted:
                continue
            result.requests += 1
            try:
                response = await self.link.read(
                    self.unit_id, block.register_type, block.address, block.count
                )
            except ModbusExceptionError as err:
                if not err.illegal_address:
                    result.errors.append(err)
                elif len(block.registers) > 1:
                    # The meter refuses this span: read its values one by one.
                    plan[index - 1 : index] = split_block(block)
                    index -= 1
                else:
                    self._refuse(block.registers[0].key)
                continue
            except ModbusConnectionError:
                raise
            except ModbusError as err:
                result.errors.append(err)
                continue
            self._answered = True
            for register in wanted:
                words[register.key] = block.words(response, register)
            self._accepted(wanted)
        if result.errors and not words:
            raise result.errors[-1]
        if not words and self._switch_table(group):
            return await self.read_group(group)
        result.values = self._values(words)
        return result

    def _switch_table(self, group: ScanGroup) -> bool:
        """Try the other register table when a meter refused everything.

        Only for maps whose meters answer functions 3 and 4 alike
        (``register_type_fallback``), once, and only before the meter ever
        answered: reading the other table is as good, and some gateways
        expose only one of them.
        """
        register_map = self.register_map
        group_keys = {r.key for r in register_map.registers if r.scan_group is group}
        if (
            not register_map.register_type_fallback
            or self._switched
            or self._answered
            or not group_keys <= self.unsupported
        ):
            return False
        self._switched = True
        other = {
            RegisterType.HOLDING: RegisterType.INPUT,
            RegisterType.INPUT: RegisterType.HOLDING,
        }
        self.register_map = replace(
            register_map,
            registers=tuple(
                replace(register, register_type=other[register.register_type])
                for register in register_map.registers
            ),
        )
        self._refused.clear()
        self.plans = self._plan()
        return True

    def _values(self, words: dict[str, list[int]]) -> dict[str, Value]:
        """Decode the words read into values (scale registers applied)."""
        values: dict[str, Value] = {}
        helpers = self.register_map.helper_keys
        for key, raw_words in words.items():
            register = self.register_map.register(key)
            if key in helpers:
                continue
            exponent: int | None = 0
            if register.scale_register is not None:
                exponent = self._exponent(register.scale_register, words)
            values[key] = value_of(register, raw_words, exponent)
        return values

    def _exponent(self, key: str, words: dict[str, list[int]]) -> int | None:
        """Return the power-of-ten exponent a scale register holds (or None)."""
        if key not in words:
            return None
        helper = self.register_map.register(key)
        value = value_of(helper, words[key])
        if not isinstance(value, float) or abs(value) > MAX_EXPONENT:
            return None
        return int(value)

    async def probe(self) -> GroupResult:
        """Read the fast group once to check the meter answers (setup wizard).

        Raises:
            ModbusError: when it does not; ``ModbusExceptionError`` with
                code 2 when the meter has none of the map's registers.
        """
        group = ScanGroup.FAST if self.plans[ScanGroup.FAST] else self.groups[0]
        result = await self.read_group(group)
        if not result.values:
            raise ModbusExceptionError(ExceptionCode.ILLEGAL_ADDRESS)
        return result

    def diagnostics(self) -> dict[str, object]:
        """Return the read plan and what the meter refused."""
        return {
            "unit_id": self.unit_id,
            "max_count": self.max_count,
            "max_gap": self.max_gap,
            "plans": {
                group: [
                    f"{block.register_type} {block.address}+{block.count}"
                    for block in plan
                ]
                for group, plan in self.plans.items()
                if plan
            },
            "unsupported": sorted(self.unsupported),
        }
