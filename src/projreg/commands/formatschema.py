"""`schema`: the registry format as a JSON Schema, for editors and validators."""

from __future__ import annotations

import sys

from projreg.commands import app


@app.command()
def schema() -> None:
    """Print the JSON Schema of a registry file.

    Generated from the format projreg reads, so it always matches this
    version. Editors that use yaml-language-server (VS Code's YAML extension,
    Neovim, Helix) then check a registry while you type: save it and put a
    modeline on the registry's first line. The schema knows field names,
    kinds, choices and date shapes; only `projreg check` knows whether dates
    exist, countries and regions are known, and ids are unique.

    Examples:

    \b
      projreg schema > projects.schema.json
      # first line of the registry:
      # yaml-language-server: $schema=projects.schema.json
    """
    from projreg.registry.formatschema import schema_text

    sys.stdout.write(schema_text())
