"""P1 port (DSMR) smart-meter client: framing, parsing, decryption, reading.

Telegrams are parsed by ``dsmr_parser`` with the specification of the meter
variant (DSMR 2.2 ... 5, Belgian e-MUCS, Luxembourg, Sweden, Hungary,
EasyMeter Q3D), which is detected from the telegram itself; our layer maps
the OBIS objects onto the shared measurement vocabulary, normalising units
(W, kWh, kW, V, A, m³), groups MBus channels and derives totals. The variant
also decides whether a CRC is mandatory and which serial settings to use.
"""
