"""Fronius Solar API v1 client: inverters, Datamanagers, smart meters, batteries.

:mod:`.client` talks to the device through PyFronius (one request at a time,
bounded by a timeout, errors sorted into unreachable / unsupported / status);
:mod:`.parser` turns the answers into :mod:`.model` objects keyed by the
shared vocabulary; :mod:`.values` decides what a sleeping inverter shows.
"""
