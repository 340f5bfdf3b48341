"""Reading a YAML file (a checklist version, the thresholds, a submission, the directory): its
syntax errors told with the line, the column and how to fix them, and a key given twice in one
mapping refused. A module of its own so that a command whose checklist files are already
parsed (`checklists.parsed_cache`) does not load the YAML parser at all."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from checklists.yaml_problems import yaml_problem
from dfr.errors import ChecklistDefinitionError, NotFoundError
from dfr.i18n import _


class DuplicateKeyError(yaml.YAMLError):
    """A mapping names the same key twice (PyYAML would silently keep the last)."""

    def __init__(self, key: Any, first: yaml.Mark, second: yaml.Mark) -> None:
        super().__init__(f"duplicate key {key!r}")
        self.key, self.first_line, self.second_line = key, first.line + 1, second.line + 1


# libyaml's parser where PyYAML was built with it: every command that reads the checklists
# parses them all, and the pure-Python parser takes most of a second for that.
if TYPE_CHECKING:
    _SafeLoader = yaml.SafeLoader
else:
    _SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _UniqueKeyLoader(_SafeLoader):
    """The safe loader, refusing a key repeated within one mapping: a second
    `wet_ink_signature:` would otherwise quietly replace the first. Keys brought in by a merge
    (`<<: *anchor`) may still be overridden, as YAML intends."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, yaml.Mark] = {}
        for key_node, _value in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.setdefault(key, key_node.start_mark)
            except TypeError:  # an unhashable key: the constructor below says so
                continue
            if first is not key_node.start_mark:
                raise DuplicateKeyError(key, first, key_node.start_mark)
        return super().construct_mapping(node, deep)


def read_yaml(path: Path) -> Any:
    """Parse a YAML file, turning syntax errors into a message with the line and column, and
    refusing a key given twice in one mapping (naming both lines)."""
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.load(handle, Loader=_UniqueKeyLoader)
    except FileNotFoundError:
        raise NotFoundError(_("File not found: {file}. Check the path.", file=str(path))) from None
    except UnicodeDecodeError:
        raise ChecklistDefinitionError(
            _("{file} is not UTF-8 text. Save it as UTF-8 and try again.", file=str(path))
        ) from None
    except OSError as err:
        raise NotFoundError(
            _("Cannot read {file}: {problem}.", file=str(path), problem=err.strerror or str(err))
        ) from None
    except DuplicateKeyError as err:
        raise ChecklistDefinitionError(
            _(
                "{file} gives {key} twice, on line {first} and on line {second}; only one can "
                "count. Keep the one you mean and delete the other.",
                file=str(path),
                key=str(err.key),
                first=err.first_line,
                second=err.second_line,
            )
        ) from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        position = (
            _("line {line}, column {column}", line=mark.line + 1, column=mark.column + 1)
            if mark
            else ""
        )
        raise ChecklistDefinitionError(
            _(
                "{file} is not valid YAML ({position}): {problem}. Fix the syntax and try again.",
                file=str(path),
                position=position,
                problem=yaml_problem(
                    getattr(err, "problem", None) or str(err),
                    _line_at(path, mark.line) if mark else "",
                    mark.column if mark else 0,
                ),
            )
        ) from None


def _line_at(path: Path, number: int) -> str:
    """Line `number` (0-based) of a file that failed to parse, to name what was found there."""
    try:
        lines = path.read_text(encoding="utf-8").split("\n")
    except (OSError, UnicodeDecodeError):
        return ""
    return lines[number] if 0 <= number < len(lines) else ""
