"""Tests of the Flukso source."""
