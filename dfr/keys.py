"""Secret keys the application needs: from settings, or in the embedded (demo) mode generated
once into var/. Production (`Settings.production`) never generates one: it refuses to start.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from dfr.errors import DfrError
from dfr.i18n import _
from dfr.settings import Settings

AUDIT_KEY_FILE = "audit-key"


def generated_secret(folder: Path, filename: str, nbytes: int = 32) -> str:
    """The secret kept in `folder/filename`, made there on first use. Processes starting at
    once agree on one: the file appears whole (a hard link of a finished temporary file) and
    only the first link wins."""
    path = folder / filename
    if not path.exists():
        folder.mkdir(parents=True, exist_ok=True)
        partial = folder / f".{filename}.{secrets.token_hex(8)}"
        partial.write_text(secrets.token_urlsafe(nbytes) + "\n", encoding="utf-8")
        partial.chmod(0o600)
        try:
            os.link(partial, path)
        except FileExistsError:
            pass  # another process made it first: use theirs
        finally:
            partial.unlink()
    return path.read_text(encoding="utf-8").strip()


def audit_key(settings: Settings) -> bytes:
    """The key that anchors the decision log's head (`DFR_AUDIT_KEY`); in the embedded mode,
    when unset, one generated into var/. Production refuses to run without it: a key kept
    beside the database would not stop someone who can write the database from rewriting
    the log."""
    if settings.audit_key is not None:
        return settings.audit_key.get_secret_value().encode("utf-8")
    if settings.production:
        raise DfrError(
            _(
                "Set DFR_AUDIT_KEY to a long random value kept outside the database: in "
                "production the decision log is anchored with it."
            )
        )
    return generated_secret(Path(settings.var_dir), AUDIT_KEY_FILE).encode("utf-8")
