"""Tests of Energy Monitor."""
