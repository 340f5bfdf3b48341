"""Importing `models` loads no table: a command loads only the table modules it uses. Whatever
it loads must still work as the whole schema does: each table module, loaded alone, brings the
tables its foreign keys name (or a flush fails with "could not find table"), and
`models.tables` lists every table the migrations must create. Each check runs in a fresh
interpreter, as a command starts."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from models.tables import TABLE_MODULES

# For each table module, in a child forked before any table is loaded: the foreign keys that
# name a table not loaded with it, and whether the mappers configure.
EACH_MODULE_ALONE = """
import importlib, json, os, sys
import sqlmodel
from sqlalchemy.exc import NoReferencedTableError
from sqlalchemy.orm import configure_mappers
import models

def check(module):
    importlib.import_module(module)
    missing = []
    for table in sqlmodel.SQLModel.metadata.tables.values():
        for key in table.foreign_keys:
            try:
                key.column
            except NoReferencedTableError:
                missing.append(f"{table.name} -> {key.target_fullname}")
    configure_mappers()
    return missing

found = {}
for module in sys.argv[1:]:
    read, write = os.pipe()
    if os.fork() == 0:
        os.close(read)
        os.write(write, json.dumps(check(module)).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as answer:
        found[module] = json.loads(answer.read() or '["the check failed"]')
    os.wait()
print(json.dumps(found))
"""

EVERY_MODULE = """
import json, pkgutil, importlib
import sqlmodel
import models
from models.tables import load_every_table

from sqlalchemy.orm import configure_mappers

listed = set(load_every_table().tables)
configure_mappers()  # the whole schema, as the web app and the migrations load it
for info in pkgutil.iter_modules(models.__path__, "models."):
    importlib.import_module(info.name)
print(json.dumps(sorted(set(sqlmodel.SQLModel.metadata.tables) - listed)))
"""


def fresh(script: str, *args: str) -> Any:
    """What SCRIPT printed last, as JSON, run with ARGS in a new interpreter."""
    ran = subprocess.run(
        [sys.executable, "-c", script, *args], capture_output=True, text=True, timeout=120
    )
    assert ran.returncode == 0, ran.stderr
    return json.loads(ran.stdout.splitlines()[-1])


def test_importing_models_loads_no_table():
    tables = fresh(
        "import json, sqlmodel, models, models.db, models.lifecycle; "
        "print(json.dumps(sorted(sqlmodel.SQLModel.metadata.tables)))"
    )
    assert tables == []


def test_each_table_module_loads_the_tables_its_foreign_keys_name():
    found = fresh(EACH_MODULE_ALONE, *TABLE_MODULES)
    assert set(found) == set(TABLE_MODULES)
    assert {module: missing for module, missing in found.items() if missing} == {}


def test_every_table_is_in_the_list_the_migrations_and_backups_use():
    assert fresh(EVERY_MODULE) == []
