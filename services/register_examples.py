"""The demo register (`examples/register/`): its services and monthly returns, loaded with the
same strict imports the CoE uses, as the CoE member the folder names. Loading it again changes
nothing (every row is unchanged)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import Engine

from checklists.yaml_files import read_yaml
from models.db import session_scope
from services.register import Imported, import_services
from services.register_csv import decode
from services.register_returns import ReturnsImported, import_returns

SETTINGS_FILE = "register.yaml"


@dataclass(frozen=True)
class DemoRegister:
    services: Imported
    returns: ReturnsImported


def load_register_examples(engine: Engine, folder: Path) -> DemoRegister | None:
    """Load the folder's services and returns in one transaction; None when it has none."""
    settings_path = folder / SETTINGS_FILE
    if not settings_path.is_file():
        return None
    settings = read_yaml(settings_path)
    actor = str(settings["loaded_by"])
    services_text = decode((folder / str(settings["services"])).read_bytes())
    returns_text = decode((folder / str(settings["returns"])).read_bytes())
    with session_scope(engine) as session:
        services = import_services(session, services_text, actor)
        returns = import_returns(session, returns_text, actor)
    return DemoRegister(services, returns)
