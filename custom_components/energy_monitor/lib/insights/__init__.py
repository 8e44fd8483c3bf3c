"""Insights from power and temperature, after opengrid's analyses.

``analyses`` has opengrid's definitions (standby, share of standby, load
factor, peaks, degree days) as plain functions; ``day`` applies them to one
local day of minute means, as the energy site's insight sensors need.
"""
