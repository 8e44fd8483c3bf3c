"""HA-free tests of the MCP3008 library."""
