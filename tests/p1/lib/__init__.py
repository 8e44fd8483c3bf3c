"""Tests of the p1 library (HA-free: no Home Assistant instance)."""
