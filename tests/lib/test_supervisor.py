"""The guard of long-running readers: nothing but cancellation ends its task."""

import asyncio
from collections.abc import Callable
import logging

import pytest

from custom_components.energy_monitor.lib.backoff import Backoff
from custom_components.energy_monitor.lib.supervisor import (
    ConnectionClosedError,
    Supervisor,
)

_LOGGER = logging.getLogger(__name__)


class Script:
    """Sessions that do what the test lists, then wait for ever."""

    def __init__(self, *steps: Callable[[Supervisor], None]) -> None:
        """Run ``steps`` in order, one per session."""
        self.steps = list(steps)
        self.outages: list[Exception] = []
        self.done = asyncio.Event()
        self.supervisor = Supervisor(
            self.session,
            self.outages.append,
            name="test reader",
            logger=_LOGGER,
            expected=(OSError,),
            backoff=Backoff(first=0.001, maximum=0.004),
        )

    async def session(self) -> None:
        """Do the next step (it may raise), or wait when none is left."""
        if not self.steps:
            self.done.set()
            await asyncio.Event().wait()
        self.steps.pop(0)(self.supervisor)

    async def run(self) -> None:
        """Run the supervisor until the script is done, then cancel it."""
        task = asyncio.create_task(self.supervisor.run())
        async with asyncio.timeout(5):
            await self.done.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task


def fail(error: Exception) -> Callable[[Supervisor], None]:
    """Return a session step that raises ``error``."""

    def step(_supervisor: Supervisor) -> None:
        raise error

    return step


def deliver(supervisor: Supervisor) -> None:
    """A session step that delivers data, then the peer closes."""
    supervisor.delivered()


def deliver_then_fail(supervisor: Supervisor) -> None:
    """A session step that delivers data, then breaks."""
    supervisor.delivered()
    raise ConnectionResetError("reset by peer")


async def test_any_error_is_one_outage_and_reading_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A bug's exception: reported and logged once, with its traceback."""
    script = Script(fail(TypeError("a bug")), fail(TypeError("a bug")), deliver)
    await script.run()
    assert [str(error) for error in script.outages] == ["a bug"]
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1
    assert errors[0].exc_info is not None
    assert "a bug" in errors[0].getMessage()
    assert script.supervisor.restarts == 3


async def test_expected_errors_are_reported_without_a_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A lost connection is the listener's to report; no error log here."""
    script = Script(fail(OSError("refused")), fail(OSError("refused")))
    await script.run()
    assert [str(error) for error in script.outages] == ["refused"]
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_failure_after_data_is_a_new_outage() -> None:
    """Data ends the outage: the next failure is reported again."""
    script = Script(
        fail(OSError("refused")),
        deliver_then_fail,
        fail(OSError("refused")),
        deliver_then_fail,
    )
    await script.run()
    assert [str(error) for error in script.outages] == [
        "refused",
        "reset by peer",
        "reset by peer",
    ]


async def test_closed_without_data_is_an_outage_with_data_is_not() -> None:
    """A peer that closes a working connection is reopened without an outage."""
    script = Script(deliver, deliver, lambda _supervisor: None)
    await script.run()
    assert len(script.outages) == 1
    assert isinstance(script.outages[0], ConnectionClosedError)


async def test_a_failing_listener_does_not_end_the_task(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Even the outage report raising leaves the reader running."""

    def broken_listener(error: Exception) -> None:
        raise RuntimeError("listener bug")

    script = Script(fail(OSError("refused")), deliver)
    script.supervisor = Supervisor(
        script.session, broken_listener, name="test reader", logger=_LOGGER
    )
    await script.run()
    assert "reporting the outage failed" in caplog.text
    assert script.supervisor.restarts == 2
