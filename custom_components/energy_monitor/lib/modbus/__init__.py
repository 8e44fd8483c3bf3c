"""Modbus energy meters: register maps as data, batched reads, decoding.

* :mod:`.registers`: data types, word and byte order, raw words <-> values;
* :mod:`.schema`: the register-map schema, JSON and CSV parsing;
* :mod:`.validate`: the map validator;
* :mod:`.catalog`: the bundled maps (``maps/*.json``) and custom CSV maps;
* :mod:`.batching`: coalescing registers into as few reads as possible;
* :mod:`.sunspec`: finding a SunSpec model in a device's model chain;
* :mod:`.client`: the connection to a gateway or serial bus (TCP, RTU over
  TCP, RTU), shared by every meter behind it;
* :mod:`.meter`: reading one meter's scan groups and decoding its values.
"""
