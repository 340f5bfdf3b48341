"""Wheel build hook: the files read at run time that live outside the Python packages
(`packaged` in pyproject.toml) go into the wheel under `dfr/_data/`, at the same relative path
as in the checkout, which is where `dfr.paths.resource` looks for them.

Editable installs (`make env`) get none of them: they read the checkout's own files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

PACKAGED = "dfr/_data"


class PackagedFiles(BuildHookInterface):
    """Force-include each `packaged` path under dfr/_data/; a missing one stops the build."""

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name != "wheel" or version == "editable":
            return
        for relative in self.config["packaged"]:
            source = Path(self.root) / relative
            if not source.exists():
                raise FileNotFoundError(
                    f"{relative} is needed in the wheel and is missing: run `make env` first "
                    "(it compiles the Welsh catalog and installs the GOV.UK Frontend assets)."
                )
            build_data["force_include"][str(source)] = f"{PACKAGED}/{relative}"
