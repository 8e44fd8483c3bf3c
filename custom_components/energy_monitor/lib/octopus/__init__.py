"""Octopus Energy (Kraken) REST API: account, tariffs, rates and consumption."""
