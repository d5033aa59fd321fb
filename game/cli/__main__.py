"""Run the command line as ``python -m game.cli``."""

import sys

from game.cli.main import main

sys.exit(main())
