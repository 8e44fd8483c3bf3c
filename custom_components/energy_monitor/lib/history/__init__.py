"""History import: read exported energy data and turn it into hourly statistics.

HA-free: the formats (``formats``), timestamps in a time zone
(``timestamps``), hourly aggregation (``hourly``) and the plan that fits the
hours to a statistic's recorded history (``plan``).
"""
