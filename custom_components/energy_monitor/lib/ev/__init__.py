"""EV charging control for a charger driven by a relay (on/off, fixed power).

The controller is a pure state machine: it is fed the time, the grid power
(or the solar surplus), prices and capacity-tariff readings, and tells whether
the relay should be on and why. It keeps its own timers (minimum on/off time,
switches per day), averages the surplus with hysteresis, refuses to act on
stale data and guards the Belgian capacity-tariff peak.
"""
