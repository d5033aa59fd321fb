"""The command line: ``npcworld`` and its subcommands, headless runs, reports and the interview."""

from game.cli.main import main

__all__ = ["main"]
