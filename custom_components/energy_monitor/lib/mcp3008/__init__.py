"""MCP3008/MCP3208 analog channels on Linux spidev: pure Python, no compiled code.

``spi``: the spidev ioctl interface (``SPI_IOC_MESSAGE``, batched transfers);
``chip``: the datasheets' framing of a conversion; ``sampler``: whole mains
cycles of one or two channels at a regular rate; ``signal``: RMS after DC
removal, real power with phase calibration, clipping; ``channels``: what a
channel measures and how its volts become amps, volts or a DC quantity;
``monitor``: one report of every configured channel.
"""
