"""Internal errors: logged with an id (and the traceback) to var/dfr.log, never shown."""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

log = logging.getLogger("dfr.cli")


def record_incident(what: str) -> str:
    """Log the exception being handled, with a new id for the person to report; return it."""
    incident = uuid.uuid4().hex[:8]
    _log_to_file()
    log.exception("%s (id %s)", what, incident)
    return incident


def _log_to_file() -> None:
    """Every `dfr.` logger writes to var/dfr.log, never to the terminal."""
    from dfr.settings import get_settings

    root = logging.getLogger("dfr")
    folder = get_settings().var_dir
    target = (folder / "dfr.log").resolve()
    for existing in list(root.handlers):
        if isinstance(existing, logging.FileHandler) and Path(existing.baseFilename) == target:
            return
        root.removeHandler(existing)
        existing.close()
    folder.mkdir(parents=True, exist_ok=True)
    handler = logging.FileHandler(target, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root.addHandler(handler)
    root.propagate = False


# Libraries whose own log lines (a Slack call being retried, a rate limit) would otherwise reach
# the terminal in the middle of a command's output.
LIBRARIES = ("slack_sdk",)


def log_libraries_to_file() -> None:
    """What the delivery libraries log goes to var/dfr.log with ours, not onto the screen."""
    _log_to_file()
    ours = logging.getLogger("dfr").handlers
    for name in LIBRARIES:
        library = logging.getLogger(name)
        library.handlers = list(ours)
        library.propagate = False
