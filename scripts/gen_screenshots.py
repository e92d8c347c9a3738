"""Regenerate the README's pictures in docs/img/ from the bundled registry: real output only.

    python scripts/gen_screenshots.py

Writes timeline.svg and map.svg (`projreg timeline -o`, `projreg map -o`), and
screenshots of the site's index at desktop (1280x800) and phone (390x844) sizes,
taken with headless Chromium (/usr/bin/chromium, or $PROJREG_CHROMIUM) through
Playwright. --today is fixed so that the pictures change only when the data does.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMG = ROOT / "docs" / "img"
TODAY = "2026-11-27"
CHROMIUM = os.environ.get("PROJREG_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip


def projreg(*args: str) -> None:
    subprocess.run([sys.executable, "-m", "projreg", *args, "--today", TODAY], check=True)


def main() -> int:
    from playwright.sync_api import sync_playwright

    IMG.mkdir(parents=True, exist_ok=True)
    projreg("timeline", "-o", str(IMG / "timeline.svg"), "--force")
    projreg("map", "-o", str(IMG / "map.svg"), "--force")
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as manager:
        projreg("site", "-o", folder)
        browser = manager.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        index = (Path(folder) / "index.html").as_uri()
        for name, size in (("site-desktop.png", (1280, 800)), ("site-phone.png", (390, 844))):
            page = browser.new_page(viewport={"width": size[0], "height": size[1]})
            page.goto(index)
            page.screenshot(path=IMG / name)
            page.close()
            print(f"wrote {IMG / name}")
        browser.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
