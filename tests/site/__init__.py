"""Tests of the site source."""
