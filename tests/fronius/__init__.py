"""Tests of the fronius source."""
