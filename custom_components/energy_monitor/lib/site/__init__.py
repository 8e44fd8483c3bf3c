"""The energy site: tariffs, interval-exact costs, PV self-consumption, capacity.

Everything here is plain Python on POSIX timestamps (seconds, UTC) and one
local time zone:

* :mod:`.calendar`: local days, months and quarter hours, DST-safe;
* :mod:`.schedule`: values by weekday and wall time (time-of-use rates,
  meter registers);
* :mod:`.tariff`: versioned tariffs, their stored form and tariff files;
* :mod:`.timeline`: step functions of time fed by entities (dynamic prices,
  the meter's active register);
* :mod:`.pricing`: the price of every direction at any instant, with the
  instant the price next changes;
* :mod:`.capacity`: quarter-hour demand, monthly peaks and the Belgian
  capacity tariff;
* :mod:`.ledger`: today's, this month's and lifetime totals;
* :mod:`.engine`: readings in, counter deltas split over every price, day
  and quarter boundary they span, totals out;
* :mod:`.outputs`: the figures a site shows, each with the inputs it
  depends on.
"""
