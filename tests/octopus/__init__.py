"""Tests of the Octopus Energy account source."""
