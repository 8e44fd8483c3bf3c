"""Tests of the ev library (HA-free: no Home Assistant instance)."""
