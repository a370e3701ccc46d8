#!/usr/bin/env python
"""Django's command-line utility; `pulang` (installed with the package) is the same thing."""

from pulang.cli import main

if __name__ == "__main__":
    main()
