"""python -m lab: make lab, and make faults with --faults (lab/runner.py)."""

import sys

from lab.runner import main

sys.exit(main())
