"""`projreg check` of the two files of benchmarks/run.py's many_problems (32,000 unknown
fields; 16,000 bad dates and 8,000 duplicate ids), this checkout against another source
tree, run in turn in one sitting: medians of wall and CPU (user + system) time, peak memory.

    git archive OLD_COMMIT src | tar -x -C /tmp/old
    python benchmarks/check_before_after.py /tmp/old/src --runs 7

On a shared machine the wall time is mostly the others' load: compare the two trees from
one sitting, interleaved, and read the CPU time beside the wall time.
"""

from __future__ import annotations

import argparse
import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
OURS = HERE.parent / "src"


def files(folder: Path) -> dict[str, Path]:
    """The files many_problems in run.py writes, written the same way."""
    unknown, dates = ["projects:"], ["projects:"]
    for n in range(16_000):
        unknown += [f"  - id: P{n}", f"    title: T{n}", "    bogus: 1", "    other: 2"]
        dates += [f"  - id: D{n % 8000}", f"    title: T{n}", "    start: 2019-13"]
    made = {
        "32,000 unknown fields": (folder / "unknown-fields.yaml", unknown),
        "16,000 bad dates, 8,000 duplicate ids": (folder / "bad-dates-duplicate-ids.yaml", dates),
    }
    for path, lines in made.values():
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return {what: path for what, (path, _) in made.items()}


def once(tree: Path, path: Path, env: dict) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and peak MB of one check (exit 1: it finds problems)."""
    env = {**env, "PYTHONPATH": str(tree), "PROJREG_CACHE_DIR": tempfile.mkdtemp()}
    command = [sys.executable, "-m", "projreg", "check", str(path)]
    try:
        with tempfile.TemporaryFile() as errors:
            start = time.perf_counter()
            process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=errors, env=env)
            _, status, usage = os.wait4(process.pid, 0)
            wall = time.perf_counter() - start
            if os.waitstatus_to_exitcode(status) != 1:
                errors.seek(0)
                raise SystemExit(f"{tree}: check failed: {errors.read(2000).decode()}")
    finally:
        shutil.rmtree(env["PROJREG_CACHE_DIR"], ignore_errors=True)
    return wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("baseline", type=Path, help="the src/ folder of the other tree")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    trees = {"before": args.baseline.resolve(), "after": OURS}
    for tree in trees.values():
        compileall.compile_dir(str(tree), quiet=1)  # as an installed projreg has them
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("PROJREG_REGISTRY", "PROJREG_CACHE_DIR", "PYTHONDONTWRITEBYTECODE")
    }
    with tempfile.TemporaryDirectory(prefix="projreg-check-") as folder:
        made = files(Path(folder))
        results: dict[tuple[str, str], list] = {}
        loads = [os.getloadavg()[0]]
        for _ in range(args.runs):
            for what, path in made.items():
                for name, tree in trees.items():
                    results.setdefault((what, name), []).append(once(tree, path, env))
            loads.append(os.getloadavg()[0])
    print(f"{args.runs} runs each, in turn; load average (1 min) {min(loads):.1f}-{max(loads):.1f}")
    for (what, name), rows in results.items():
        wall = statistics.median(r[0] for r in rows)
        cpu = statistics.median(r[1] for r in rows)
        peak = max(r[2] for r in rows)
        print(f"  {what:<40} {name:<6} wall {wall:5.2f} s   CPU {cpu:5.2f} s   {peak:4.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
