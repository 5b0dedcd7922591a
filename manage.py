#!/usr/bin/env python
from gisportal.cli import main

if __name__ == "__main__":
    main()
