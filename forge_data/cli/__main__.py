import sys

from forge_data.cli import main

sys.exit(main())
