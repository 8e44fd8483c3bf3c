"""HA-free tests of the history import and the insights."""
