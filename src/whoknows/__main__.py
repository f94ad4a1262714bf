"""python -m whoknows."""

import sys

from whoknows.cli.launch import main

sys.exit(main())
