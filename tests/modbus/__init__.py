"""Tests of the modbus source."""
