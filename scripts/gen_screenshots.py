"""Regenerate the README's pictures in docs/img/ from the bundled registry: real output only.

    python scripts/gen_screenshots.py

Writes timeline.svg and map.svg (`projreg timeline -o`, `projreg map -o`), and
screenshots of the site's index at desktop (1280x800) and phone (390x844) sizes,
taken with headless Chromium (/usr/bin/chromium, or $PROJREG_CHROMIUM) through
Playwright. Then the timeline's overview of real data: the IATI files of
tests/iati/corpus and tests/iati/real imported into a registry (1,758 activities),
drawn by `projreg timeline --overview -o`, and shown as Chromium shows it
(overview.png). --today is fixed so that the pictures change only when the data does.
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
        overview_png(browser, Path(folder))
        browser.close()
    return 0


def overview_png(browser, folder: Path) -> None:
    """The overview of the real IATI files, as Chromium draws the SVG."""
    import gzip

    folder = folder / "overview"  # beside the site written there, not over its overview.svg
    folder.mkdir()
    files = []
    for packed in sorted((ROOT / "tests" / "iati" / "corpus").glob("*.xml.gz")):
        files.append(folder / packed.name[:-3])
        files[-1].write_bytes(gzip.decompress(packed.read_bytes()))
    files += sorted((ROOT / "tests" / "iati" / "real").glob("*.xml"))
    registry = folder / "real.yaml"
    subprocess.run(
        [sys.executable, "-m", "projreg", "import-iati", *map(str, files), "-o", str(registry)],
        check=True,
        capture_output=True,
    )
    html = folder / "overview.html"  # the SVG in the page `timeline -o FILE.html` writes
    projreg("--registry", str(registry), "timeline", "--overview", "--by", "donor", "-o", str(html))
    page = browser.new_page(viewport={"width": 1032, "height": 800})
    page.goto(html.as_uri())
    page.screenshot(path=IMG / "overview.png", full_page=True)
    page.close()
    print(f"wrote {IMG / 'overview.png'}")


if __name__ == "__main__":
    raise SystemExit(main())
