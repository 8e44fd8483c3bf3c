"""Home Assistant-free core of Energy Monitor.

Protocol clients (P1/DSMR, ...) and the pure energy maths live here. Nothing in
this package imports ``homeassistant``, so it can be unit-tested on its own and
published as a library later.
"""
