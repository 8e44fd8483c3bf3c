"""Averaging measurements over a publish window."""

from custom_components.energy_monitor.lib.averaging import WindowAverage


def test_mean_per_key_and_reset() -> None:
    """Each key gets the mean of its own samples; take() starts a new window."""
    average = WindowAverage(["p", "v"])
    average.add({"p": 100.0, "v": 230.0, "counter": 5.0, "tariff": "1"})
    average.add({"p": 300.0})
    average.add({"p": 200.0, "v": 232.0, "v_text": "x"})
    assert average.take() == {"p": 200.0, "v": 231.0}
    assert average.take() == {}


def test_text_values_are_ignored() -> None:
    """A text value under an averaged key is not summed."""
    average = WindowAverage(["p"])
    average.add({"p": "n/a"})
    assert average.take() == {}
