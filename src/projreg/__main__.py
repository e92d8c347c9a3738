"""`python -m projreg` runs the command line."""

from projreg.cli import main

if __name__ == "__main__":  # not when a helper process (load.read_each) imports it
    main()
