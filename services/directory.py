"""Load DGs and people (with roles) from YAML: idempotent upsert, validated before any write."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic import ValidationError as PydanticValidationError
from sqlmodel import Session, col, delete, select

from checklists.yaml_files import read_yaml
from dfr.errors import ValidationError
from dfr.i18n import _
from models.directory import Directorate, Person, RoleAssignment
from models.lifecycle import Role

Discipline = Literal["user_research", "design", "technical", "performance"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NamePair(_Strict):
    cy: str = Field(min_length=1)
    en: str = Field(min_length=1)


class DirectorateIn(_Strict):
    code: str = Field(pattern=r"^[A-Za-z]{2,16}$")
    name: NamePair
    digital_leader: str | None = None
    slack_channel: str | None = Field(default=None, pattern=r"^[CG][A-Z0-9]{6,}$")


class RoleIn(_Strict):
    role: Role
    dg: str | None = None
    discipline: Discipline | None = None

    @model_validator(mode="after")
    def _scoped(self) -> RoleIn:
        if self.role == Role.DIGITAL_LEADER:
            raise ValueError("digital_leader is set on the DG (directorates file), not on a person")
        if self.role == Role.ASSESSOR and not self.discipline:
            raise ValueError("an assessor needs a discipline")
        return self


class PersonIn(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    name: str = Field(min_length=1)
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")
    slack_user_id: str | None = None
    language: Literal["cy", "en", "unknown"] = "unknown"
    roles: list[RoleIn] = []


class DirectoryFile(_Strict):
    directorates: list[DirectorateIn] = []
    people: list[PersonIn] = []


def parse_directory(data: dict[str, Any]) -> DirectoryFile:
    try:
        parsed = DirectoryFile.model_validate(data)
    except PydanticValidationError as err:
        places = [".".join(str(p) for p in e["loc"]) for e in err.errors()]
        problems = [f"{place}: {e['msg']}" for place, e in zip(places, err.errors(), strict=True)]
        raise ValidationError(
            _("The directory file has problems:") + "\n  - " + "\n  - ".join(problems),
            field=places[0] or None,
        ) from None
    return parsed


SECTIONS = ("directorates", "people")


def merge_directory_files(paths: Sequence[Path]) -> DirectoryFile:
    """Read and check DGs and people from one or more YAML files (e.g. one of DGs, one of
    people), as if they were one file; nothing is written."""
    merged: dict[str, list[object]] = {section: [] for section in SECTIONS}
    for path in paths:
        data = read_yaml(path) or {}
        if not isinstance(data, dict):
            raise ValidationError(
                _("{file} must be a mapping with directorates and/or people.", file=str(path)),
                field="directory",
            )
        unknown = set(data) - set(SECTIONS)
        if unknown:
            raise ValidationError(
                _(
                    "{file}: unknown section(s) {sections}; expected directorates and people.",
                    file=str(path),
                    sections=", ".join(sorted(unknown)),
                ),
                field="directory",
            )
        for section in SECTIONS:
            merged[section] += data.get(section) or []
    return parse_directory(merged)


def load_directory(session: Session, directory: DirectoryFile) -> tuple[int, int]:
    """Insert or update DGs and people; a person's roles are replaced by the file's."""
    known = set(session.exec(select(Directorate.code)).all()) | {
        d.code for d in directory.directorates
    }
    unknown = sorted(
        {r.dg for p in directory.people for r in p.roles if r.dg and r.dg not in known}
    )
    if unknown:
        raise ValidationError(
            _(
                "Roles name DGs that do not exist: {codes}. Load the directorates first.",
                codes=", ".join(unknown),
            ),
            field="dg",
        )
    people = set(session.exec(select(Person.id)).all()) | {p.id for p in directory.people}
    missing = sorted(
        f"{d.code}: {d.digital_leader}"
        for d in directory.directorates
        if d.digital_leader and d.digital_leader not in people
    )
    if missing:
        raise ValidationError(
            _(
                "Digital leaders who are not known people: {pairs}. Add them to the people file.",
                pairs=", ".join(missing),
            ),
            field="digital_leader",
        )
    leaders: dict[str, str | None] = {}
    for d in directory.directorates:
        dg = session.get(Directorate, d.code) or Directorate(code=d.code, name_cy="", name_en="")
        # A file that leaves out digital_leader keeps the current one.
        leaders[d.code] = (
            d.digital_leader if "digital_leader" in d.model_fields_set else dg.digital_leader_id
        )
        dg.name_cy, dg.name_en, dg.digital_leader_id = d.name.cy, d.name.en, None
        dg.slack_channel = d.slack_channel
        session.add(dg)
    session.flush()
    for p in directory.people:
        person = session.get(Person, p.id) or Person(id=p.id, name=p.name, email=p.email)
        person.name, person.email = p.name, p.email
        person.slack_user_id, person.language = p.slack_user_id, p.language
        session.add(person)
    session.flush()
    for p in directory.people:
        session.execute(delete(RoleAssignment).where(col(RoleAssignment.person_id) == p.id))
        for r in p.roles:
            session.add(
                RoleAssignment(
                    person_id=p.id, role=r.role.value, dg_code=r.dg, discipline=r.discipline
                )
            )
    for d in directory.directorates:
        dg = session.exec(select(Directorate).where(Directorate.code == d.code)).one()
        dg.digital_leader_id = leaders[d.code]
        session.add(dg)
    session.flush()
    return len(directory.directorates), len(directory.people)
