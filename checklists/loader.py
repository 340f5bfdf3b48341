"""Load and cross-check every checklist version under `data/`. Fails fast, naming the problem.

A `Registry` is immutable once built; loading is the only I/O in this package, with keeping
what the files said when parsed (`checklists.parsed_cache`), so that a command parses only
the files changed since one last read them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

from pydantic import ValidationError as PydanticValidationError

from checklists import conditions
from checklists.canonical import sha256_hex
from checklists.parsed_cache import ParsedFiles
from checklists.schema import ChecklistFile, Question, Threshold, ThresholdsFile
from dfr.dates import long_date
from dfr.errors import ChecklistDefinitionError, NotFoundError
from dfr.i18n import _, get_language

# The shipped versions: a folder of this package, in a checkout and in an installed wheel.
SHIPPED = Path(str(resources.files("checklists") / "data"))
LOCK_FILE = "published.lock"
THRESHOLDS_FILE = "thresholds.yaml"
_VERSION_FILE = re.compile(r"^v(\d+)\.ya?ml$")


def _fail(path: Path | str, where: str, problem: str) -> ChecklistDefinitionError:
    return ChecklistDefinitionError(
        _("Checklist file {file}: {where}: {problem}", file=str(path), where=where, problem=problem)
    )


def _pydantic_problem(err: PydanticValidationError, data: Any) -> tuple[str, str]:
    """First error as (where, problem), naming the question id rather than its list index."""
    first = err.errors()[0]
    loc = list(first["loc"])
    where = ".".join(str(p) for p in loc) or "(top level)"
    if len(loc) >= 2 and loc[0] == "questions" and isinstance(loc[1], int):
        try:
            qid = data["questions"][loc[1]]["id"]
            rest = ".".join(str(p) for p in loc[2:])
            where = f"question {qid!r}" + (f" {rest}" if rest else "")
        except (KeyError, IndexError, TypeError):
            pass
    problem = first["msg"]
    if first["type"] == "missing" and loc and loc[-1] in {"cy", "en"}:
        problem = _("missing translation ({language})", language=loc[-1])
    return where, problem


@dataclass(frozen=True)
class Checklist:
    """One loaded checklist version, with its content hash."""

    definition: ChecklistFile
    content_hash: str
    path: Path

    @property
    def id(self) -> str:
        return self.definition.id

    @property
    def version(self) -> int:
        return self.definition.version

    @cached_property
    def questions(self) -> dict[str, Question]:
        return {q.id: q for q in self.definition.questions}

    @cached_property
    def parsed_rules(self) -> list[tuple[Any, conditions.Condition]]:
        return [(rule, conditions.parse(rule.when, rule.id)) for rule in self.definition.rules]

    @cached_property
    def parsed_ask_when(self) -> dict[str, conditions.Condition]:
        return {
            q.id: conditions.parse(q.ask_when, q.id)
            for q in self.definition.questions
            if q.ask_when
        }

    @cached_property
    def parsed_risk(self) -> dict[str, list[tuple[str, conditions.Condition]]]:
        return {
            q.id: [(band.rating, conditions.parse(band.when, q.id)) for band in q.risk]
            for q in self.definition.questions
            if q.risk
        }


@dataclass(frozen=True)
class Thresholds:
    """Thresholds with effective-from dates: the amount in force on a day."""

    entries: tuple[Threshold, ...]

    @property
    def ids(self) -> set[str]:
        return {t.id for t in self.entries}

    def amount(self, threshold_id: str, on: date) -> Decimal:
        in_force = [t for t in self.entries if t.id == threshold_id and t.effective_from <= on]
        if not in_force:
            raise NotFoundError(
                _(
                    "No threshold {id} is in force on {date}.",
                    id=threshold_id,
                    date=long_date(on, get_language()),
                )
            )
        return max(in_force, key=lambda t: t.effective_from).amount


@dataclass(frozen=True)
class Registry:
    """Every checklist version found, keyed by (id, version), plus the thresholds."""

    checklists: dict[tuple[str, int], Checklist]
    thresholds: Thresholds
    published_hashes: dict[str, str] = field(default_factory=dict)

    def ids(self) -> list[str]:
        return sorted({cid for cid, _v in self.checklists})

    def get(self, checklist_id: str, version: int | None = None) -> Checklist:
        """A given version, or the latest published one when `version` is None."""
        if version is not None:
            found = self.checklists.get((checklist_id, version))
        else:
            published = [
                c
                for (cid, _v), c in self.checklists.items()
                if cid == checklist_id and c.definition.status == "published"
            ]
            found = max(published, key=lambda c: c.version) if published else None
        if found is None:
            raise NotFoundError(
                _(
                    "Unknown checklist {id} (version {version}). Known checklists: {known}.",
                    id=checklist_id,
                    version=version if version is not None else _("latest published"),
                    known=", ".join(self.ids()),
                ),
                field="checklist",
            )
        return found

    def questionnaires_for(self, kind: str) -> list[Checklist]:
        """The latest published questionnaires a submission of this kind answers, in order."""
        result = []
        for cid in self.ids():
            latest = self.get(cid) if self._has_published(cid) else None
            if (
                latest
                and latest.definition.kind == "questionnaire"
                and kind in latest.definition.applies_to
            ):
                result.append(latest)
        # digital_options is always first: it is the checklist every submission starts with.
        return sorted(result, key=lambda c: (c.id != "digital_options", c.id))

    def _has_published(self, checklist_id: str) -> bool:
        return any(
            cid == checklist_id and c.definition.status == "published"
            for (cid, _v), c in self.checklists.items()
        )


def parse_yaml(path: Path) -> Any:
    """`checklists.yaml_files.read_yaml`, the YAML parser loaded only for a file not parsed
    before (`checklists.parsed_cache`)."""
    from checklists.yaml_files import read_yaml

    return read_yaml(path)


def load_thresholds(path: Path, read: Callable[[Path], Any] = parse_yaml) -> Thresholds:
    data = read(path)
    try:
        parsed = ThresholdsFile.model_validate(data)
    except PydanticValidationError as err:
        where, problem = _pydantic_problem(err, data)
        raise _fail(path, where, problem) from None
    return Thresholds(tuple(parsed.thresholds))


def load_checklist_file(path: Path, read: Callable[[Path], Any] = parse_yaml) -> Checklist:
    data = read(path)
    if not isinstance(data, dict):
        raise _fail(path, "(top level)", _("expected a mapping of checklist fields"))
    ids = [q.get("id") for q in data.get("questions") or [] if isinstance(q, dict)]
    duplicates = sorted({i for i in ids if ids.count(i) > 1 and i is not None})
    if duplicates:
        raise _fail(path, f"question {duplicates[0]!r}", _("duplicate question id"))
    try:
        definition = ChecklistFile.model_validate(data)
    except PydanticValidationError as err:
        where, problem = _pydantic_problem(err, data)
        raise _fail(path, where, problem) from None
    except conditions.ConditionSyntaxError as err:
        raise _fail(path, "rule", str(err)) from None
    match = _VERSION_FILE.match(path.name)
    if path.parent.name != definition.id:
        raise _fail(
            path, "id", _("id must equal the folder name {folder}", folder=path.parent.name)
        )
    if not match or int(match.group(1)) != definition.version:
        raise _fail(path, "version", _("version must match the file name (vN.yaml)"))
    return Checklist(definition, sha256_hex(data), path)


def _check_references(checklist: Checklist, thresholds: Thresholds, known: set[str]) -> None:
    """Every rule and condition refers to things that exist."""
    d = checklist.definition
    questions = checklist.questions
    flag_ids = {f.id for f in d.flags}
    obligation_ids = {o.id for o in d.obligations}

    def check_condition(cond: conditions.Condition, where: str) -> None:
        for source, name in conditions.references(cond):
            if source == "q" and name not in questions:
                raise _fail(checklist.path, where, _("unknown question id {id} in a rule", id=name))
        for threshold_id in conditions.thresholds_used(cond):
            if threshold_id not in thresholds.ids:
                raise _fail(checklist.path, where, _("unknown threshold {id}", id=threshold_id))

    for qid, cond in checklist.parsed_ask_when.items():
        check_condition(cond, f"question {qid!r} ask_when")
        if any(
            source != "q" and (source, name) != ("fact", "kind")
            for source, name in conditions.references(cond)
        ) or (conditions.thresholds_used(cond)):
            raise _fail(
                checklist.path,
                f"question {qid!r} ask_when",
                _(
                    "ask_when may only compare answers (q) and the kind of submission "
                    "(fact: kind), not other facts or thresholds"
                ),
            )
    for qid, bands in checklist.parsed_risk.items():
        for _rating, cond in bands:
            check_condition(cond, f"question {qid!r} risk")
    for rule, cond in checklist.parsed_rules:
        where = f"rule {rule.id!r}"
        check_condition(cond, where)
        then = rule.then
        if then.flag and then.flag not in flag_ids:
            raise _fail(checklist.path, where, _("unknown flag {id}", id=then.flag))
        if then.obligation and then.obligation not in obligation_ids:
            raise _fail(checklist.path, where, _("unknown obligation {id}", id=then.obligation))
        if then.checklist and then.checklist not in known:
            raise _fail(checklist.path, where, _("unknown checklist {id}", id=then.checklist))
    for obligation in d.obligations:
        due_from = obligation.due_from
        if due_from and (due_from not in questions or questions[due_from].type != "date"):
            raise _fail(
                checklist.path,
                f"obligation {obligation.id!r}",
                _("due_from must name a date question"),
            )
    if d.kind == "assessment" and any(q.type != "rating" for q in d.questions):
        raise _fail(checklist.path, "questions", _("assessment questions must be of type rating"))
    if d.kind == "questionnaire" and any(q.type == "rating" for q in d.questions):
        raise _fail(checklist.path, "questions", _("rating questions belong in assessments"))
    for target in ("value", "phase", "transactions"):
        mapped = [q.id for q in d.questions if q.maps_to == target]
        if len(mapped) > 1:
            raise _fail(
                checklist.path,
                f"question {mapped[1]!r}",
                _("only one question may map to {target}", target=target),
            )


def read_lock(directory: Path) -> dict[str, str]:
    path = directory / LOCK_FILE
    if not path.exists():
        return {}
    loaded: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def write_lock(directory: Path, hashes: dict[str, str]) -> None:
    text = json.dumps(dict(sorted(hashes.items())), indent=2) + "\n"
    (directory / LOCK_FILE).write_text(text, encoding="utf-8")


def lock_key(checklist_id: str, version: int) -> str:
    return f"{checklist_id}@{version}"


def _version_files(directory: Path) -> Iterable[Path]:
    for folder in sorted(p for p in directory.iterdir() if p.is_dir()):
        yield from sorted(p for p in folder.iterdir() if _VERSION_FILE.match(p.name))


def load_registry(
    directory: Path, *, check_published: bool = True, parsed: ParsedFiles | None = None
) -> Registry:
    """Load every checklist version and the thresholds; raise on the first problem found.
    `parsed` gives what a file said when its bytes were parsed before (each is still
    validated and cross-checked here)."""
    read = parsed.read if parsed else parse_yaml
    if not directory.is_dir():
        raise NotFoundError(
            _("Checklist folder not found: {path}. Set DFR_CHECKLISTS_DIR.", path=str(directory))
        )
    thresholds = load_thresholds(directory / THRESHOLDS_FILE, read)
    loaded: dict[tuple[str, int], Checklist] = {}
    for path in _version_files(directory):
        checklist = load_checklist_file(path, read)
        loaded[(checklist.id, checklist.version)] = checklist
    known = {cid for cid, _v in loaded}
    lock = read_lock(directory)
    for checklist in loaded.values():
        _check_references(checklist, thresholds, known)
        if check_published and checklist.definition.status == "published":
            recorded = lock.get(lock_key(checklist.id, checklist.version))
            if recorded is None:
                raise _fail(
                    checklist.path,
                    "status",
                    _(
                        "published but not recorded in {lock}; publish version {version} of "
                        "{id} to record it",
                        lock=LOCK_FILE,
                        id=checklist.id,
                        version=checklist.version,
                    ),
                )
            if recorded != checklist.content_hash:
                raise _fail(
                    checklist.path,
                    "status",
                    _(
                        "this published version has been changed since publication; restore it "
                        "and put the changes in a new version file instead"
                    ),
                )
    return Registry(loaded, thresholds, lock)


_registries: dict[Path, Registry] = {}


def configured_folder() -> Path:
    """The checklist folder: DFR_CHECKLISTS_DIR when set, else the versions shipped here."""
    from dfr.settings import get_settings

    return get_settings().checklists_dir or SHIPPED


def parsed_files() -> ParsedFiles:
    """The checklist files as parsed before, kept under var/cache/ when var/ exists (the
    embedded mode's folder; a command never makes it just for this)."""
    from dfr.settings import get_settings

    var = Path(get_settings().var_dir)
    return ParsedFiles(var / "cache" / "checklists.json" if var.is_dir() else None, parse_yaml)


def registry(directory: Path | None = None) -> Registry:
    """The registry for the configured checklist folder, loaded once per process; only the
    files changed since a command last read them are parsed again."""
    folder = (directory or configured_folder()).resolve()
    if folder not in _registries:
        parsed = parsed_files()
        _registries[folder] = load_registry(folder, parsed=parsed)
        parsed.save()
    return _registries[folder]
