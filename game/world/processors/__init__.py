"""Processors: one job each; their order is declared once, in ``game.world.simulation.SCHEDULE``."""
