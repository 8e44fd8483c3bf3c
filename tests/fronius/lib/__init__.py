"""Tests of the fronius library (HA-free: no Home Assistant instance)."""
