"""HA-free tests of the Octopus client, rates and history maths."""
