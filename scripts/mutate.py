"""Mutation testing: put one small bug at a time into a module and see whether a test fails.

    nice -n 10 python scripts/mutate.py dates          # or query, iati; several names, or none for all
    nice -n 10 python scripts/mutate.py dates --line 120-140   # only mutants on those lines

Each mutant flips one thing the ast shows: a comparison (< and <=, == and !=, in and
not in, is and is not), `and` and `or`, a `not` dropped, True and False, a whole number
plus one, + and -. Messages (strings) and docstrings are left alone. The mutant is
written into a copy of src/ in a temporary folder (the checkout is never touched), and
the module's test files run against it (stopping at the first failure, with a time
limit per mutant: a mutant that hangs counts as killed). A mutant no test kills
"survives"; each survivor is either a missing test or listed in EQUIVALENT with the
reason it cannot change behaviour. The report is printed as Markdown (docs/mutation.md
holds the last one; not run in CI: it takes minutes). One process at a time.
"""

from __future__ import annotations

import argparse
import ast
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# module: (source, test files run against each of its mutants, fastest and sharpest first)
TARGETS = {
    "dates": ("src/projreg/model/dates.py", ["tests/test_date_filters.py", "tests/test_dates.py"]),
    "query": (
        "src/projreg/query/filters.py",
        [
            "tests/test_date_filters.py",
            "tests/test_query.py",
            "tests/test_option_edges.py",
            "tests/test_cli.py",
            "tests/test_answers.py",
        ],
    ),
    "iati": (
        "src/projreg/iati/activities.py",
        [
            "tests/test_iati_values.py",
            "tests/test_iati.py",
            "tests/test_iati_real.py",
            "tests/test_iati_proof.py",
            "tests/test_iati_valid.py",
        ],
    ),
}

# Mutants that cannot change what the program does, by (module, the line as written,
# change), so that they stay found when lines move; with the reason.
EQUIVALENT: dict[tuple[str, str, str], str] = {
    (
        "dates",
        "close = difflib.get_close_matches(word.casefold(), list(_MONTHS), n=1, cutoff=0.6)",
        "1 -> 2",
    ): "n=2 lists the same best match first, and only close[0] is read",
    ("iati", "if r not in regions", "not in -> in"): "the regions it filters come from "
    "_regions(..., keep=False), which returns none: the list is empty either way",
}

_FLIPS = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
    ast.And: ast.Or,
    ast.Or: ast.And,
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
}
_SYMBOLS = {
    ast.Lt: "<",
    ast.LtE: "<=",
    ast.Gt: ">",
    ast.GtE: ">=",
    ast.Eq: "==",
    ast.NotEq: "!=",
    ast.In: "in",
    ast.NotIn: "not in",
    ast.Is: "is",
    ast.IsNot: "is not",
    ast.And: "and",
    ast.Or: "or",
    ast.Add: "+",
    ast.Sub: "-",
}


@dataclass(frozen=True)
class Mutant:
    index: int  # the node's place in ast.walk order
    slot: int  # which operator of a chained comparison
    line: int
    change: str


def _skipped(tree: ast.AST) -> set[int]:
    """Nodes never mutated: docstrings, annotations, f-string parts."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        first = body[0] if isinstance(body, list) and body else None
        value = first.value if isinstance(first, ast.Expr) else None
        if isinstance(value, ast.Constant) and isinstance(value.value, str):
            skip.add(id(value))
        annotations = []
        if isinstance(node, ast.AnnAssign):
            annotations.append(node.annotation)
        if isinstance(node, ast.arg) and node.annotation:
            annotations.append(node.annotation)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.returns:
            annotations.append(node.returns)
        for part in (*annotations, *(n for n in [node] if isinstance(node, ast.JoinedStr))):
            skip.update(id(n) for n in ast.walk(part))
    return skip


def mutants(source: str) -> list[Mutant]:
    tree = ast.parse(source)
    skip = _skipped(tree)
    found = []
    for index, node in enumerate(ast.walk(tree)):
        if id(node) in skip:
            continue
        line = getattr(node, "lineno", 0)
        if isinstance(node, ast.Compare):
            for slot, op in enumerate(node.ops):
                if type(op) in _FLIPS:
                    flipped = _SYMBOLS[_FLIPS[type(op)]]
                    found.append(Mutant(index, slot, line, f"{_SYMBOLS[type(op)]} -> {flipped}"))
        elif isinstance(node, (ast.BoolOp, ast.BinOp)) and type(node.op) in _FLIPS:
            old, new = _SYMBOLS[type(node.op)], _SYMBOLS[_FLIPS[type(node.op)]]
            found.append(Mutant(index, 0, line, f"{old} -> {new}"))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            found.append(Mutant(index, 0, line, "not dropped"))
        elif isinstance(node, ast.Constant) and type(node.value) in (bool, int):
            new = (not node.value) if type(node.value) is bool else node.value + 1
            found.append(Mutant(index, 0, line, f"{node.value!r} -> {new!r}"))
    return sorted(found, key=lambda m: (m.line, m.index, m.slot))


class _Apply(ast.NodeTransformer):
    def __init__(self, mutant: Mutant, nodes: list[ast.AST]):
        self.target = nodes[mutant.index]
        self.mutant = mutant

    def visit(self, node):
        if node is not self.target:
            return self.generic_visit(node)
        if isinstance(node, ast.Compare):
            node.ops[self.mutant.slot] = _FLIPS[type(node.ops[self.mutant.slot])]()
        elif isinstance(node, (ast.BoolOp, ast.BinOp)):
            node.op = _FLIPS[type(node.op)]()
        elif isinstance(node, ast.UnaryOp):
            return node.operand
        elif isinstance(node, ast.Constant):
            node.value = (not node.value) if type(node.value) is bool else node.value + 1
        return node


def mutated(source: str, mutant: Mutant) -> str:
    tree = ast.parse(source)
    nodes = list(ast.walk(tree))
    tree = _Apply(mutant, nodes).visit(tree)
    return ast.unparse(ast.fix_missing_locations(tree))


# Imported once by this process and shared with every forked test run: collecting the
# tests then costs a tenth of starting Python and pytest afresh. projreg itself is never
# imported here, so each run imports the mutated copy.
_PRELOAD = (
    "pytest", "hypothesis", "typer", "typer.testing", "click", "rich.console", "rich.table",
    "rich.text", "rich.progress", "yaml", "lxml.etree", "orjson", "yaml_rs", "pycountry",
    "jinja2", "defusedxml.ElementTree", "ruamel.yaml", "sqlite3", "decimal", "difflib", "json",
)  # fmt: skip


def _preload() -> None:
    import contextlib
    import importlib

    for name in _PRELOAD:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)


def _run_tests(src: Path, tests: list[str], timeout: float) -> str:
    """'killed', 'survived' or 'timeout' for the tests run against the src folder."""
    args = ["-x", "-q", "-p", "no:cacheprovider", "-o", "addopts=", "-W", "ignore", *tests]
    if not hasattr(os, "fork"):
        return _run_in_a_new_process(src, args, timeout)
    pid = os.fork()
    if pid == 0:  # the child: run pytest on the mutated copy, and leave
        code = 1
        try:
            os.setsid()
            null = os.open(os.devnull, os.O_RDWR)
            for stream in (0, 1, 2):
                os.dup2(null, stream)
            os.chdir(ROOT)
            os.environ["PYTHONPATH"] = str(src)  # for the tests' own subprocesses
            os.environ["PYTHONDONTWRITEBYTECODE"] = "1"
            sys.dont_write_bytecode = True
            sys.path.insert(0, str(src))
            import pytest

            code = int(pytest.main(args))
        finally:
            os._exit(code)
    deadline = time.monotonic() + timeout
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return "survived" if os.waitstatus_to_exitcode(status) == 0 else "killed"
        if time.monotonic() > deadline:
            os.killpg(pid, 9)
            os.waitpid(pid, 0)
            return "timeout"
        time.sleep(0.05)


def _run_in_a_new_process(src: Path, args: list[str], timeout: float) -> str:
    env = {**os.environ, "PYTHONPATH": str(src), "PYTHONDONTWRITEBYTECODE": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "pytest", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        code = process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, 9)
        process.wait()
        return "timeout"
    return "survived" if code == 0 else "killed"


def run(name: str, lines: set[int] | None, timeout: float, report) -> tuple[int, int, list[str]]:
    path, tests = TARGETS[name]
    source = (ROOT / path).read_text(encoding="utf-8")
    found = [m for m in mutants(source) if lines is None or m.line in lines]
    killed, survivors = 0, []
    _preload()
    with tempfile.TemporaryDirectory(prefix="mutate-") as folder:
        src = Path(folder) / "src"
        shutil.copytree(ROOT / "src", src, ignore=shutil.ignore_patterns("__pycache__"))
        target = src / Path(path).relative_to("src")
        baseline = _run_tests(src, tests, timeout * 3)
        if baseline != "survived":
            sys.exit(f"{name}: the tests fail without any mutant ({baseline}); fix them first")
        for number, mutant in enumerate(found, 1):
            target.write_text(mutated(source, mutant), encoding="utf-8")
            started = time.monotonic()
            outcome = _run_tests(src, tests, timeout)
            took = time.monotonic() - started
            print(
                f"[{number}/{len(found)}] {name}:{mutant.line} {mutant.change}: {outcome} "
                f"({took:.1f} s)",
                file=sys.stderr,
                flush=True,
            )
            if outcome == "survived":
                written = source.splitlines()[mutant.line - 1].strip()
                reason = EQUIVALENT.get((name, written, mutant.change))
                shown = written[:60].replace("|", "\\|")
                why = f"equivalent: {reason}" if reason else "not caught: a test is missing"
                survivors.append(
                    f"| `{path}:{mutant.line}` `{shown}` | `{mutant.change}` | {why} |"
                )
                killed += bool(reason)
            else:
                killed += 1
        target.write_text(source, encoding="utf-8")
    report(name, path, len(found), killed, survivors)
    return len(found), killed, survivors


def _markdown(name, path, total, killed, survivors):
    share = 100 * killed / total if total else 100.0
    print(f"\n### {name} (`{path}`)\n")
    print(f"{total} mutants, {killed} killed or equivalent: **{share:.1f}%**.\n")
    if survivors:
        print("| where | change | why it survives |\n|---|---|---|")
        print("\n".join(survivors))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("modules", nargs="*", help=f"any of {', '.join(TARGETS)} (default: all)")
    parser.add_argument(
        "--line", action="append", help="only mutants on these lines: 120-140 (repeatable)"
    )
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per mutant")
    parser.add_argument("--list", action="store_true", help="list the mutants, run nothing")
    args = parser.parse_args(argv)
    unknown = [m for m in args.modules if m not in TARGETS]
    if unknown:
        parser.error(f"unknown module {unknown[0]!r}; choose from {', '.join(TARGETS)}")
    lines = None
    if args.line:
        lines = set()
        for text in args.line:
            first, _, last = text.partition("-")
            lines.update(range(int(first), int(last or first) + 1))
    for name in args.modules or TARGETS:
        if args.list:
            source = (ROOT / TARGETS[name][0]).read_text(encoding="utf-8")
            for mutant in mutants(source):
                if lines is None or mutant.line in lines:
                    print(f"{name}:{mutant.line} {mutant.change}")
            continue
        run(name, lines, args.timeout, _markdown)
    return 0


if __name__ == "__main__":
    sys.exit(main())
