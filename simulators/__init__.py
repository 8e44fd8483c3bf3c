"""Built-in simulators of the devices Energy Monitor reads.

They serve real protocols on loopback (a P1 telegram stream over TCP, ...)
from a plausible household load and PV profile, with switches to inject
faults. The tests and ``script/develop`` use them; they are not part of the
integration a user installs.
"""
