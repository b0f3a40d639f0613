"""``python -m disseminator``."""

import sys

from disseminator.cli import main

sys.exit(main())
