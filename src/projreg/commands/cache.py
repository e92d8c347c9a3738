"""`cache info` and `cache clear`: what the cache of validated registries holds, and emptying it."""

from __future__ import annotations

import datetime as dt

import typer

from projreg.commands import app

cache_app = typer.Typer(
    name="cache",
    help="The cache of validated registries: what it holds (info), emptying it (clear).",
    no_args_is_help=True,
)
app.add_typer(cache_app)


def _size(count: float) -> str:
    for unit in ("B", "kB", "MB", "GB"):
        if count < 1000 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1000
    raise AssertionError


@cache_app.command()
def info() -> None:
    """The cache's folder, its entries and their sizes, per registry file.

    Each registry file keeps its newest few entries (one per version of the
    file); older ones are removed when a new one is written.

    Examples:

    \b
      projreg cache info
    """
    from projreg.registry import cache

    entries = cache.entries()
    total = sum(e.size for e in entries)
    print(f"folder\t{cache.folder()}")
    print(f"entries\t{len(entries)}\t{_size(total)}")
    per: dict[str, list] = {}
    for entry in entries:
        per.setdefault(entry.registry or "(registry not recorded)", []).append(entry)
    for registry, mine in per.items():
        newest = dt.datetime.fromtimestamp(mine[0].modified).isoformat(" ", "seconds")
        size = _size(sum(e.size for e in mine))
        print(
            f"{registry}\t{len(mine)} entr{'y' if len(mine) == 1 else 'ies'}\t{size}\tnewest {newest}"
        )


@cache_app.command()
def clear() -> None:
    """Remove every entry of the cache (the next run reads the registries afresh).

    Examples:

    \b
      projreg cache clear
    """
    from projreg.registry import cache

    removed = cache.clear()
    typer.echo(
        f"removed {removed} entr{'y' if removed == 1 else 'ies'} from {cache.folder()}", err=True
    )
