"""The README's examples are real: regenerated output must match what it shows."""

import importlib.util
import json
import os
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def load_script(name):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_readme_examples_match_real_output(monkeypatch):
    monkeypatch.chdir(ROOT)
    generator = load_script("gen_readme")
    text = README.read_text(encoding="utf-8")
    assert generator.render_readme(text) == text, (
        "README.md examples are out of date: run python scripts/gen_readme.py"
    )
    assert text.count("```console\n$ projreg") >= 6


def console_block(command_start: str) -> str:
    text = README.read_text(encoding="utf-8")
    match = re.search(
        r"```console\n\$ " + re.escape(command_start) + r"[^\n]*\n(.*?)```", text, re.DOTALL
    )
    assert match, command_start
    return match.group(1)


def test_readme_pipe_to_cut(run):
    shown = console_block("projreg list --country Georgia | cut -f1").split()
    piped = run("list", "--country", "Georgia").stdout
    assert [line.split("\t")[0] for line in piped.splitlines()] == shown


def test_readme_json_pipe(run):
    shown = console_block("projreg show ENIGMMA-2 --json |").strip()
    assert json.loads(run("show", "ENIGMMA-2", "--json").stdout)["id"] == shown


def test_readme_set_up_commands_are_the_ones_ci_runs():
    text = README.read_text(encoding="utf-8")
    commands = re.findall(r"```sh\n(.*?)\n```", text)
    assert len(commands) == 2
    assert commands[0].endswith("pip install . && projreg list --country Azerbaijan")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert commands[1] in ci.splitlines()
    assert os.access(ROOT / ".ci" / "run", os.X_OK)
