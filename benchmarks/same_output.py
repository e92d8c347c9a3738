"""Does import-iati write the same bytes as another revision's code? (A speed-up must not
change the output.)

    python benchmarks/same_output.py [REV] [COUNT]      default: main, 5000

Builds COUNT real activities in one file (benchmarks/iati_input.py), imports them with
REV's source tree (`git archive`, run with PYTHONPATH pointing at it) and with this
checkout's, and compares the two registry files byte for byte. Exit 0 when identical.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))


def imported(source: Path, xml: Path, out: Path) -> bytes:
    """The registry import-iati writes for xml, run from the source tree at source/src."""
    env = {**os.environ, "PYTHONPATH": str(source / "src")}
    command = [sys.executable, "-m", "projreg", "import-iati", str(xml), "-o", str(out)]
    subprocess.run(command, env=env, check=True, capture_output=True, cwd=source)
    return out.read_bytes()


def main() -> int:
    import iati_input

    rev = sys.argv[1] if len(sys.argv) > 1 else "main"
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
    with tempfile.TemporaryDirectory(prefix="projreg-same-") as folder:
        folder = Path(folder)
        (xml,) = iati_input.build(count, folder, one=True)
        other = folder / "rev"
        other.mkdir()
        archive = subprocess.run(
            ["git", "-C", str(HERE.parent), "archive", rev, "src"], check=True, capture_output=True
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(other)], input=archive, check=True)
        theirs = imported(other, xml, folder / "theirs.yaml")
        ours = imported(HERE.parent, xml, folder / "ours.yaml")
    same = theirs == ours
    digest = hashlib.sha256(ours).hexdigest()[:16]
    print(
        f"import-iati of {count:,} real activities: {len(ours):,} bytes, sha256 {digest}…; "
        f"{'identical to' if same else 'DIFFERENT from'} {rev}'s output"
    )
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
