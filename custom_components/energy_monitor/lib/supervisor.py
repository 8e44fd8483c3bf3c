"""Keep a long-running reader alive: the one guard of every push reader's task.

A push reader (P1 today; MQTT and Flukso later) reads in *sessions*: open a
connection, read until it ends. :class:`Supervisor` runs the sessions of one
reader for as long as its task lives:

* any exception a session raises ends that session, never the task; only
  cancellation ends :meth:`Supervisor.run`;
* the first failure of an outage is reported to ``on_outage`` (the entities
  go unavailable) and logged once with its cause, with a traceback when it is
  not one of the reader's ``expected`` errors (a bug to fix); later failures
  of the same outage are only logged at debug level;
* the next session starts after a :class:`~.backoff.Backoff` delay: at once
  after the first failure, then 1 s doubling to the maximum;
* a session that reports data (:meth:`Supervisor.delivered`) ends the outage
  and resets the backoff, so its next failure is reported again;
* a session that ends after delivering data (the peer closed a working
  connection) is reopened at once and is no outage; one that ends without
  data is a failure (:class:`ConnectionClosedError`).
"""

import asyncio
from collections.abc import Awaitable, Callable
import logging
from typing import NoReturn

from .backoff import Backoff


class ConnectionClosedError(Exception):
    """A session ended before it delivered any data."""


class Supervisor:
    """Run a reader's sessions for ever; see the module docstring."""

    def __init__(
        self,
        session: Callable[[], Awaitable[None]],
        on_outage: Callable[[Exception], None],
        *,
        name: str,
        logger: logging.Logger,
        expected: tuple[type[Exception], ...] = (),
        backoff: Backoff | None = None,
    ) -> None:
        """Create the guard; nothing runs until :meth:`run` is awaited.

        Args:
            session: reads one connection until it ends; calls
                :meth:`delivered` whenever data was accepted.
            on_outage: told the cause once at the start of every outage.
            name: what the log lines call the reader.
            logger: where the log lines go.
            expected: errors that are routine (connection lost, stalled);
                anything else is logged with its traceback.
            backoff: the delays between failed sessions.
        """
        self._session = session
        self._on_outage = on_outage
        self._name = name
        self._logger = logger
        self._expected = expected
        self._backoff = backoff or Backoff()
        self._in_outage = False
        self._delivered = False
        self.restarts = 0
        """Sessions started after the first one."""

    def delivered(self) -> None:
        """Record that the running session delivered data: any outage is over."""
        self._delivered = True
        self._in_outage = False
        self._backoff.succeeded()

    async def run(self) -> NoReturn:
        """Run sessions until cancelled."""
        while True:
            self._delivered = False
            try:
                await self._session()
            except Exception as err:  # noqa: BLE001 - nothing may end the task
                error: Exception = err
            else:
                if self._delivered:
                    self.restarts += 1
                    continue
                error = ConnectionClosedError("the connection closed without data")
            self._failed(error)
            delay = self._backoff.delay
            self._backoff.failed()
            self._logger.debug(
                "%s: retry in %.0f s after: %s", self._name, delay, error
            )
            await asyncio.sleep(delay)
            self.restarts += 1

    def _failed(self, error: Exception) -> None:
        """Report and log the first failure of an outage."""
        if self._in_outage:
            return
        self._in_outage = True
        if not isinstance(error, self._expected):
            self._logger.error(
                "%s failed unexpectedly, reconnecting: %r",
                self._name,
                error,
                exc_info=error,
            )
        try:
            self._on_outage(error)
        except Exception:
            self._logger.exception("%s: reporting the outage failed", self._name)
