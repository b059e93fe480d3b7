"""``python -m kaizen_studio``: the ``studio`` command line, as the installed script runs it."""

import sys

from kaizen_studio.studio.cli import main

if __name__ == "__main__":  # the streamer's worker process is spawned and imports this
    sys.exit(main())
