"""Writes of the contests app, one module per area (e.g. `contests.services.live`)."""
