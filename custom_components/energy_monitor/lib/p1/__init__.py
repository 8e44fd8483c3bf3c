"""P1 port (DSMR) smart-meter client: framing, parsing, decryption, reading.

The parser is version-independent: it reads every OBIS object of the telegram
and maps the ones it knows onto the shared measurement vocabulary, normalising
units (W, kWh, kW, V, A, m³). The meter variant (DSMR 2.2 ... 5, Belgian
e-MUCS, Luxembourg, Sweden, Hungary, EasyMeter Q3D) is detected from the
telegram itself and only decides whether a CRC is mandatory and which serial
settings to use.
"""
