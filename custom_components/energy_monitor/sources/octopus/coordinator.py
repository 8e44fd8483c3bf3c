"""Coordinator of an Octopus account: its meter points and their rates.

Each refresh reads the account (meter points, agreements) and, per meter
point, the unit rates and standing charges of the agreements in force from a
day ago to three days ahead. Rates change at the window boundaries to the
second: a timer at the next boundary updates the entities without a request.
Rates are read hourly while less than :data:`RATES_AHEAD` is known (Agile
publishes tomorrow's prices in the afternoon), else twice a day, so at most
one refresh per rate change.

Failures (no answer, 5xx, 429) back off (a 429's ``Retry-After`` is honoured)
and keep the known rates while they still cover the present: a rate is a
schedule, so a rate read earlier is still true. A revoked key asks for
reauthentication.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, override

from homeassistant.core import CALLBACK_TYPE, HomeAssistant, callback
from homeassistant.exceptions import ConfigEntryAuthFailed
from homeassistant.helpers.event import async_track_point_in_utc_time
from homeassistant.helpers.update_coordinator import DataUpdateCoordinator, UpdateFailed
from homeassistant.util import dt as dt_util

from ...const import DOMAIN, LOGGER
from ...coordinator import EnergyMonitorConfigEntry
from ...lib.backoff import Backoff
from ...lib.octopus.client import (
    OctopusAuthError,
    OctopusClient,
    OctopusError,
    OctopusNotFoundError,
    OctopusRateLimitError,
)
from ...lib.octopus.model import Account, Agreement, MeterPoint, Rate, clip_agreements
from ...lib.octopus.rates import RateTimeline
from .client import octopus_client
from .const import (
    CONF_ACCOUNT_NUMBER,
    MAX_BACKOFF,
    RATES_AHEAD,
    RATES_LONG_INTERVAL,
    RATES_SHORT_INTERVAL,
    RATES_WINDOW_AFTER,
    RATES_WINDOW_BEFORE,
)


@dataclass(frozen=True, slots=True)
class PointRates:
    """The rates of one meter point."""

    point: MeterPoint
    tariff_code: str | None
    """The tariff in force now (None: no agreement now)."""
    unit: RateTimeline = field(default_factory=lambda: RateTimeline(()))
    standing: RateTimeline = field(default_factory=lambda: RateTimeline(()))


@dataclass(frozen=True, slots=True)
class OctopusData:
    """The account and the rates of its meter points (by ``MeterPoint.key``)."""

    account: Account
    rates: dict[str, PointRates]


async def async_point_rates(
    client: OctopusClient, point: MeterPoint, start: datetime, end: datetime
) -> tuple[list[Rate], list[Rate]]:
    """Return the unit rates and standing charges of ``point`` in ``[start, end)``.

    Each agreement's rates are clipped to the agreement. Dual-register
    (day/night) tariffs have no half-hourly unit rates: they give none.

    Raises:
        OctopusError: when a request fails.
    """
    unit: list[Rate] = []
    standing: list[Rate] = []
    for agreement, lower, upper in clip_agreements(point.agreements, start, end):
        args = (point.fuel, agreement.tariff_code, agreement.product_code)
        if not agreement.dual_register:
            unit.extend(_clip(await client.unit_rates(*args, lower, upper), agreement))
        standing.extend(
            _clip(await client.standing_charges(*args, lower, upper), agreement)
        )
    return unit, standing


def _clip(rates: list[Rate], agreement: Agreement) -> list[Rate]:
    """Return the rates cut to the agreement's window (open ends stay open)."""
    clipped = []
    for rate in rates:
        lower = max(rate.start, agreement.valid_from)
        ends = [end for end in (rate.end, agreement.valid_to) if end is not None]
        upper = min(ends) if ends else None
        if upper is None or lower < upper:
            clipped.append(Rate(lower, upper, rate.price))
    return clipped


class OctopusCoordinator(DataUpdateCoordinator[OctopusData]):
    """Read an account's rates and update the entities at each rate change."""

    config_entry: EnergyMonitorConfigEntry

    def __init__(self, hass: HomeAssistant, entry: EnergyMonitorConfigEntry) -> None:
        """Create the coordinator (nothing is requested yet)."""
        self.account_number: str = entry.data[CONF_ACCOUNT_NUMBER]
        super().__init__(
            hass,
            LOGGER,
            config_entry=entry,
            name=f"Octopus {self.account_number}",
            update_interval=RATES_SHORT_INTERVAL,
        )
        self.client = octopus_client(hass, entry.data)
        self.backoff = Backoff(first=60.0, maximum=MAX_BACKOFF)
        self.last_error: str | None = None
        self._boundary: CALLBACK_TYPE | None = None

    @override
    async def _async_update_data(self) -> OctopusData:
        """Read the account and its rates.

        Raises:
            ConfigEntryAuthFailed: when the API key was revoked.
            UpdateFailed: when the API fails and the known rates ran out.
        """
        now = dt_util.utcnow()
        try:
            data = await self._read(now)
        except OctopusAuthError as err:
            raise ConfigEntryAuthFailed(
                translation_domain=DOMAIN,
                translation_key="octopus_auth_failed",
                translation_placeholders={"account": self.account_number},
            ) from err
        except OctopusError as err:
            return self._failed(err, now)
        self.backoff.succeeded()
        self.last_error = None
        self.update_interval = _interval(data, now)
        self._schedule_boundary(data, now)
        return data

    async def _read(self, now: datetime) -> OctopusData:
        """Read the account and every meter point's rates.

        Raises:
            OctopusError: when a request fails.
        """
        account = await self.client.account(self.account_number)
        start, end = now - RATES_WINDOW_BEFORE, now + RATES_WINDOW_AFTER
        rates: dict[str, PointRates] = {}
        for point in account.meter_points:
            agreement = point.agreement_at(now)
            unit, standing = await async_point_rates(self.client, point, start, end)
            rates[point.key] = PointRates(
                point,
                None if agreement is None else agreement.tariff_code,
                RateTimeline(unit),
                RateTimeline(standing),
            )
        return OctopusData(account, rates)

    def _failed(self, err: OctopusError, now: datetime) -> OctopusData:
        """Back off; keep the known rates while they cover the present.

        Raises:
            UpdateFailed: when there are no rates for now.
        """
        delay = self.backoff.failed()
        if isinstance(err, OctopusRateLimitError) and err.retry_after is not None:
            delay = max(delay, err.retry_after)
        self.update_interval = timedelta(seconds=delay)
        self.last_error = str(err)
        data = self.data
        if data is not None and _covers(data, now):
            LOGGER.debug("%s: %s; keeping the known rates", self.name, err)
            self._schedule_boundary(data, now)
            return data
        key = (
            "octopus_account_not_found"
            if isinstance(err, OctopusNotFoundError)
            else "octopus_unreachable"
        )
        raise UpdateFailed(
            translation_domain=DOMAIN,
            translation_key=key,
            translation_placeholders={
                "account": self.account_number,
                "error": str(err),
            },
            retry_after=delay,
        ) from err

    def _schedule_boundary(self, data: OctopusData, now: datetime) -> None:
        """Update the entities at the next rate change (to the second)."""
        self.cancel_boundary()
        changes = [
            change
            for rates in data.rates.values()
            for timeline in (rates.unit, rates.standing)
            if (change := timeline.next_change(now)) is not None
        ]
        if changes:
            self._boundary = async_track_point_in_utc_time(
                self.hass, self._at_boundary, min(changes)
            )

    @callback
    def _at_boundary(self, moment: datetime) -> None:
        """Show the rates of the window that starts now."""
        self._boundary = None
        if self.data is not None:
            self.async_update_listeners()
            self._schedule_boundary(self.data, moment)

    @callback
    def cancel_boundary(self) -> None:
        """Stop the rate-change timer (entry unload)."""
        if self._boundary is not None:
            self._boundary()
            self._boundary = None

    def diagnostics(self) -> dict[str, Any]:
        """Return the poller's health and what it knows."""
        data = self.data
        return {
            "last_error": self.last_error,
            "failures": self.backoff.failures,
            "update_interval": str(self.update_interval),
            "requests": self.client.requests,
            "meter_points": []
            if data is None
            else [
                {
                    "flow": rates.point.flow,
                    "identifier": rates.point.identifier,
                    "serials": list(rates.point.serials),
                    "tariff_code": rates.tariff_code,
                    "agreements": [
                        {
                            "tariff_code": a.tariff_code,
                            "valid_from": a.valid_from.isoformat(),
                            "valid_to": a.valid_to and a.valid_to.isoformat(),
                        }
                        for a in rates.point.agreements
                    ],
                    "unit_rates": len(rates.unit.windows),
                    "known_until": (
                        (until := rates.unit.known_until()) and until.isoformat()
                    ),
                }
                for rates in data.rates.values()
            ],
        }


def _covers(data: OctopusData, now: datetime) -> bool:
    """Tell whether every meter point priced before still has a rate now."""
    return all(
        rates.unit.at(now) is not None for rates in data.rates.values() if rates.unit
    )


def _interval(data: OctopusData, now: datetime) -> timedelta:
    """Return when to read the rates again: soon while little is known ahead."""
    for rates in data.rates.values():
        known = rates.unit.known_until()
        if rates.unit and known is not None and known - now < RATES_AHEAD:
            return RATES_SHORT_INTERVAL
    return RATES_LONG_INTERVAL
