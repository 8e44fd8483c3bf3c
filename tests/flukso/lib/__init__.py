"""Tests of the flukso library (HA-free: no Home Assistant instance)."""
