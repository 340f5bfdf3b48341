"""The layers of ../shared/DESIGN.md hold: the import contracts in pyproject.toml are kept."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT


def _lint_imports(config: Path) -> subprocess.CompletedProcess[str]:
    lint = Path(sys.executable).parent / "lint-imports"
    return subprocess.run(
        [str(lint), "--config", str(config), "--no-cache"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_every_import_contract_is_kept():
    result = _lint_imports(ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout[-3000:]
    assert "0 broken" in result.stdout


def test_a_wrong_way_import_breaks_the_layers(tmp_path):
    """The contract is not vacuous: the same layers, with `models` asked to sit above
    `services`, fail (services import models everywhere)."""
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    swapped = text.replace(
        '    "services",\n    "notifications",\n    "models",\n',
        '    "models",\n    "services",\n    "notifications",\n',
        1,
    )
    assert swapped != text
    config = tmp_path / "pyproject.toml"
    config.write_text(swapped, encoding="utf-8")
    result = _lint_imports(config)
    assert result.returncode != 0
    assert "services" in result.stdout and "BROKEN" in result.stdout
