"""Run ``dsmr_parser`` over a telegram and hand back every object it read.

``dsmr_parser``'s :class:`~dsmr_parser.parsers.TelegramParser` reads the
objects with the specification of the detected variant. This thin wrapper
covers what the library does not do on real telegrams:

* its object patterns need CRLF line ends: gateways that send LF are
  normalised first;
* one malformed value (``00.000kWh``) makes it raise out of the whole
  telegram, and a line it cannot read is logged as an error with a
  traceback, once per telegram: here each object is read on its own, a
  failure is recorded for that object only and nothing is logged;
* its power-failure log parser grows its list of value parsers with every
  telegram it reads (a leak at one telegram a second): a fresh one is used
  per telegram;
* objects a meter sends that the variant's specification lacks (voltages of
  DSMR 4 meters, power factors, reactive power) are read with the parser
  ``dsmr_parser`` has for them in another specification; objects absent from
  the telegram are not searched for at all.

The objects come back keyed by their line, with its OBIS ID and the raw
value groups of the line for the cases where the shape of a line
decides its meaning (the Belgian peak history).
"""

from collections.abc import Callable, Iterable
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
import re
from typing import Any

from dsmr_parser import telegram_specifications as specs
from dsmr_parser.parsers import ProfileGenericParser, TelegramParser
from dsmr_parser.profile_generic_specifications import (
    BUFFER_TYPES,
    PG_HEAD_PARSERS,
    PG_UNIDENTIFIED_BUFFERTYPE_PARSERS,
)

from .model import MeterVariant

_LINE_ID = re.compile(r"(\d{1,3})-(\d{1,3}):(\d{1,3}\.\d{1,3}\.\d{1,3})(\*\d{1,3})?")
_LINE_START = re.compile(
    r"^(\d{1,3})-(\d{1,3}):(\d{1,3}\.\d{1,3}\.\d{1,3})(\*\d{1,3})?", re.MULTILINE
)
_GROUP = re.compile(r"\(([^()]*)\)")
_REFERENCE_CODE = re.compile(r":(.+?)\.\+\?")
"""The ``C.D.E`` part of a ``dsmr_parser`` OBIS pattern (``1\\.8\\.1``)."""

_VARIANT_SPECS: dict[MeterVariant, dict[str, Any]] = {
    MeterVariant.DSMR_2_2: specs.V2_2,
    MeterVariant.DSMR_4: specs.V4,
    MeterVariant.DSMR_5: specs.V5,
    MeterVariant.BELGIUM: specs.BELGIUM_FLUVIUS,
    MeterVariant.LUXEMBOURG: specs.LUXEMBOURG_SMARTY,
    MeterVariant.SWEDEN: specs.SWEDEN,
    MeterVariant.HUNGARY: specs.EON_HUNGARY,
    MeterVariant.EASYMETER_Q3D: specs.Q3D,
}
_ALL_SPECS = (
    *_VARIANT_SPECS.values(),
    specs.MSN,
    specs.SAGEMCOM_T210_D_R,
    specs.ISKRA_IE,
)


@dataclass(frozen=True, slots=True)
class LineId:
    """The OBIS ID of a telegram line: ``medium-channel:code[*suffix]``."""

    medium: int
    channel: int
    code: str
    suffixed: bool


@dataclass(slots=True)
class DsmrObject:
    """One line of the telegram as ``dsmr_parser`` read it."""

    line: LineId
    text: str
    """The line as sent (continuation lines included)."""
    parsed: Any = None
    """``dsmr_parser``'s object; ``None`` when it could not read the line."""

    @property
    def groups(self) -> list[str]:
        """Return the raw value groups, ``(...)`` by ``(...)``."""
        return _GROUP.findall(self.text)


@dataclass(slots=True)
class _Reading:
    """What one run of the parser recorded."""

    objects: dict[str, DsmrObject] = field(default_factory=dict)
    """By line: two lines of one object (a repeated line) are two objects."""


_current: ContextVar[_Reading] = ContextVar("_current")


def _line_id(line: str) -> LineId | None:
    """Return the parts of a line's OBIS ID."""
    match = _LINE_ID.match(line)
    if match is None:
        return None
    medium, channel, code, suffix = match.groups()
    return LineId(int(medium), int(channel), code, bool(suffix))


class _Recorded:
    """A ``dsmr_parser`` object parser whose results are recorded per line."""

    __slots__ = ("_make",)

    def __init__(self, make: Callable[[], Any]) -> None:
        """Wrap the parser that ``make`` returns (called per line if fresh)."""
        self._make = make

    def parse(self, line: str) -> None:
        """Read ``line``; record the object, or that it could not be read."""
        line_id = _line_id(line)
        if line_id is None:
            return
        objects = _current.get().objects
        known = objects.get(line)
        if known is not None and known.parsed is not None:
            return  # the variant's own parser read it first
        try:
            parsed = self._make().parse(line)
        except Exception:  # noqa: BLE001 - dsmr_parser raises anything on bad input
            parsed = None
        objects[line] = DsmrObject(line_id, line, parsed)


def _fresh_profile_generic() -> ProfileGenericParser:
    """Return a power-failure log parser that has read nothing yet."""
    return ProfileGenericParser(
        BUFFER_TYPES, PG_HEAD_PARSERS, PG_UNIDENTIFIED_BUFFERTYPE_PARSERS
    )


def _recorded(parser: Any) -> _Recorded:
    """Wrap one of ``dsmr_parser``'s object parsers."""
    if isinstance(parser, ProfileGenericParser):
        return _Recorded(_fresh_profile_generic)
    return _Recorded(lambda: parser)


def _code_pattern(reference: str) -> re.Pattern[str]:
    """Return a pattern of the codes an OBIS reference of dsmr_parser reads."""
    match = _REFERENCE_CODE.search(reference)
    return re.compile(match.group(1) if match else re.escape(reference))


_OBJECTS: dict[str, dict[str, Any]] = {}
"""Every object ``dsmr_parser`` knows, by OBIS reference (first spec wins)."""
for _spec in _ALL_SPECS:
    for _object in _spec["objects"]:
        _OBJECTS.setdefault(_object["obis_reference"], _object)
_CODE_PATTERNS = {reference: _code_pattern(reference) for reference in _OBJECTS}


@lru_cache(maxsize=16)
def _parser(variant: MeterVariant, codes: frozenset[str]) -> TelegramParser:
    """Return the parser of a variant for the codes a telegram carries."""
    own = _VARIANT_SPECS[variant]["objects"]
    references = [o["obis_reference"] for o in own]
    references += [r for r in _OBJECTS if r not in references]
    objects = [
        {
            "obis_reference": reference,
            "value_parser": _recorded(
                next(
                    (o for o in own if o["obis_reference"] == reference),
                    _OBJECTS[reference],
                )["value_parser"]
            ),
            "value_name": reference,
        }
        for reference in references
        if any(_CODE_PATTERNS[reference].fullmatch(code) for code in codes)
    ]
    return TelegramParser(
        {"checksum_support": False, "objects": objects},
        apply_checksum_validation=False,
    )


def crlf(text: str) -> str:
    """Return the text with CRLF line ends (dsmr_parser's patterns need them)."""
    if "\r\n" in text and "\n" not in text.replace("\r\n", ""):
        return text
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def line_ids(text: str) -> Iterable[LineId]:
    """Yield the OBIS ID of every object line of a telegram."""
    for medium, channel, code, suffix in _LINE_START.findall(text):
        yield LineId(int(medium), int(channel), code, bool(suffix))


def read_objects(
    text: str, variant: MeterVariant, codes: frozenset[str]
) -> dict[str, DsmrObject]:
    """Read the objects of a CRLF telegram with the variant's specification.

    Args:
        text: the telegram, ``/`` to ``!``, with CRLF line ends.
        variant: the detected variant: its specification reads first.
        codes: the ``C.D.E`` codes of the telegram's lines.
    """
    reading = _Reading()
    token = _current.set(reading)
    try:
        _parser(variant, codes).parse(text)
    finally:
        _current.reset(token)
    return reading.objects
