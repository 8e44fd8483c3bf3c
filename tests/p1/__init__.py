"""Tests of the p1 source."""
