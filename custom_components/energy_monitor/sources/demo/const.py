"""Constants of the demo source."""

from typing import Final

SOURCE: Final = "demo"
"""This source's ``source`` in entry data (stored: never change it)."""
