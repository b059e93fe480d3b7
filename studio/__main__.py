import sys

from studio.cli import main

if __name__ == "__main__":  # the streamer's worker process is spawned and imports this
    sys.exit(main())
