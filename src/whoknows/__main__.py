"""python -m whoknows."""

import sys

from whoknows.cli.main import main

sys.exit(main())
