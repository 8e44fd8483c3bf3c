"""Tests of the history import."""
