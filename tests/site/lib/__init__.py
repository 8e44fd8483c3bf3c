"""Tests of the site library (HA-free: no Home Assistant instance)."""
