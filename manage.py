#!/usr/bin/env python
"""Django's manage.py; the same as the ``congdoan`` command."""

from congdoan.cli import main

if __name__ == "__main__":
    main()
