"""Tests of the modbus library (HA-free: no Home Assistant instance)."""
