"""`python -m projreg` runs the command line."""

from projreg.cli import main

main()
