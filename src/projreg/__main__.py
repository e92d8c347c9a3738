"""`python -m projreg` runs the command line."""

from projreg.cli import main

if __name__ == "__main__":  # run, not merely imported (as multiprocessing's spawn would)
    main()
