"""The code stays readable: no function longer than 60 lines, no class longer than 250.

A definition's length runs from its `def` or `class` line to its last line (decorators
aside), docstring and signature included.
"""

import ast
import sys
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent / "src" / "projreg"
FUNCTION_LIMIT, CLASS_LIMIT = 60, 250


def definitions():
    """(path:qualified name, kind, length) of every function and class under src/projreg."""
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        where = path.relative_to(SOURCE).as_posix()
        stack = [(node, "") for node in tree.body]
        while stack:
            node, prefix = stack.pop()
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
                name = f"{prefix}{node.name}"
                kind = "class" if isinstance(node, ast.ClassDef) else "function"
                yield f"{where}:{name}", kind, node.end_lineno - node.lineno + 1
                stack.extend((child, f"{name}.") for child in node.body)


def test_no_definition_is_longer_than_its_limit():
    too_long = {}
    for name, kind, length in definitions():
        limit = CLASS_LIMIT if kind == "class" else FUNCTION_LIMIT
        if length > limit:
            too_long[name] = length
    assert not too_long, (
        f"split these along what they do (limits {FUNCTION_LIMIT}/{CLASS_LIMIT}): {too_long}"
    )


def test_the_measure_sees_a_long_function(tmp_path, monkeypatch):
    module = tmp_path / "long.py"
    module.write_text("def f():\n" + "    x = 1\n" * 70 + "\n\nclass C:\n    pass\n")
    monkeypatch.setattr(sys.modules[__name__], "SOURCE", tmp_path)
    found = {name: (kind, length) for name, kind, length in definitions()}
    assert found == {"long.py:f": ("function", 71), "long.py:C": ("class", 2)}
