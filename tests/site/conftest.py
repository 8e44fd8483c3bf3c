"""Fixtures of the energy site tests.

The site reads other entities instead of a device, so it needs no peer: its
tests write input states with the helpers in ``tests/site/helpers.py``.
"""
