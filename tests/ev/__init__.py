"""Tests of the ev source."""
