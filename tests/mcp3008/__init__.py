"""Tests of the MCP3008 source."""
