"""Flukso meters (FLM02, FLM03): MQTT topics, configuration, readings, cloud API."""
