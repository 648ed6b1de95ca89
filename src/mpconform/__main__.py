"""``python -m mpconform``: the host-side command line (needs Python 3.9+ and its extras)."""

import sys

if __name__ == "__main__":
    from mpconform.host.cli import main

    sys.exit(main())
