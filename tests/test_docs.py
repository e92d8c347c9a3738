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
    from projreg import schema

    for field in schema.PROJECT:
        assert f"| `{field.name}` |" in current
