"""docs/cli.md is generated from the code and must not drift from it."""

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "gen_cli_docs.py"


def load_generator():
    spec = importlib.util.spec_from_file_location("gen_cli_docs", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_cli_docs_are_up_to_date():
    generator = load_generator()
    expected = generator.render()
    assert generator.DOCS.read_text(encoding="utf-8") == expected, (
        "docs/cli.md is out of date: run python scripts/gen_cli_docs.py"
    )


def test_cli_docs_cover_every_command():
    text = load_generator().render()
    for command in ("list", "show", "active"):
        assert f"## projreg {command}\n" in text
        assert f"Usage: projreg {command} [OPTIONS]" in text


def test_format_docs_are_the_schema():
    spec = importlib.util.spec_from_file_location(
        "gen_format_docs", SCRIPT.parent / "gen_format_docs.py"
    )
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    current = generator.DOCS.read_text(encoding="utf-8")
    assert generator.render(current) == current, (
        "docs/registry-format.md is out of date: run python scripts/gen_format_docs.py"
    )
    from projreg.model import schema

    for field in schema.PROJECT:
        assert f"| `{field.name}` |" in current


def _performance_generator():
    spec = importlib.util.spec_from_file_location(
        "gen_performance", SCRIPT.parent / "gen_performance.py"
    )
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    return generator


def test_performance_doc_is_the_benchmarks_own_output():
    generator = _performance_generator()
    assert generator.DOC.read_text(encoding="utf-8") == generator.render(), (
        "docs/performance.md is out of date: run python scripts/gen_performance.py"
    )


def test_performance_doc_follows_the_real_files_and_the_targets():
    # Independent of the generator: the activities cycled are the real files' own (one per
    # identifier), counted here with lxml, and every target size of run.py is in the document.
    from lxml import etree

    generator = _performance_generator()
    real = Path(__file__).parent / "iati" / "real"
    identifiers = {
        text.strip()
        for path in real.glob("*.xml")
        for text in etree.parse(str(path)).xpath("//iati-activity/iati-identifier/text()")
    }
    count = len(identifiers)
    text = generator.render()
    assert f"| activities | {count} |" in text
    for size in generator._module("run").TARGETS:
        assert f"| {size:,} |" in text


def test_no_figures_in_the_benchmarks_docstrings():
    import ast
    import re

    for path in (SCRIPT.parent.parent / "benchmarks").glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            docstring = (
                ast.get_docstring(node)
                if isinstance(node, (ast.Module, ast.FunctionDef, ast.ClassDef))
                else None
            )
            found = re.findall(r"\d+(?:\.\d+)? ?(?:s|ms|MB|GB|GiB)\b", docstring or "")
            assert not found, f"{path.name}: figures in a docstring: {found}"
