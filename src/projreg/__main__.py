"""`python -m projreg` runs the command line."""

from projreg.cli import app

app(prog_name="projreg")
