"""Refresh the example outputs in README.md from the real commands.

Each ```console block in README.md that starts with `$ projreg ...` gets the
output of that command underneath, as an 80-column terminal shows it. Blocks
with a pipe (`|`) are left alone. A block after a line `<!-- scratch -->` runs in
a scratch folder of its own (one for the whole README, made empty for each run):
the examples that make files (`projreg new fresh.yaml`) never touch the repository. Like docs/cli.md, a test fails when the
README's examples no longer match what projreg prints.

    python scripts/gen_readme.py          rewrite README.md
    python scripts/gen_readme.py --check  exit 1 if README.md is out of date
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"
BLOCK = re.compile(r"```console\n\$ (projreg [^\n]*)\n(.*?)```", re.DOTALL)
WIDTH = "80"


def run(command: str) -> str:
    from typer.testing import CliRunner

    from projreg.cli import app
    from projreg.options import Source
    from projreg.render.terminal import Terminal

    args = shlex.split(command)[1:]
    # What a person sees in a terminal of this width, without colour.
    terminal = Terminal(stdout_tty=True, width=int(WIDTH), no_color=True)
    env = {"COLUMNS": WIDTH, "NO_COLOR": "1", "PROJREG_REGISTRY": None}
    result = CliRunner().invoke(
        app, args, prog_name="projreg", env=env, obj=Source(terminal=terminal)
    )
    text = result.stdout + result.stderr
    return "\n".join(line.rstrip() for line in text.rstrip().splitlines()) + "\n"


SCRATCH = "<!-- scratch -->\n"


def render_readme(text: str) -> str:
    import tempfile

    home = os.getcwd()
    with tempfile.TemporaryDirectory(prefix="projreg-readme-") as scratch:

        def replace(match: re.Match) -> str:
            command = match.group(1)
            if "|" in command or ">" in command:
                return match.group(0)
            os.chdir(scratch if text[: match.start()].endswith(SCRATCH) else home)
            try:
                return f"```console\n$ {command}\n{run(command)}```"
            finally:
                os.chdir(home)

        return BLOCK.sub(replace, text)


def main(argv: list[str]) -> int:
    os.chdir(README.parent)  # paths in the examples are relative to the repository
    current = README.read_text(encoding="utf-8")
    fresh = render_readme(current)
    if "--check" in argv:
        if fresh != current:
            print(
                "README.md examples are out of date: run python scripts/gen_readme.py",
                file=sys.stderr,
            )
            return 1
        return 0
    README.write_text(fresh, encoding="utf-8")
    print(f"wrote {README}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
