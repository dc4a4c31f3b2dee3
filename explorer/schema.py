"""What a YAML mapping may hold: the fields of front matter and of each data file's
entries, checked against their lines (yamllines.LineDict) so every problem names one."""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from .errors import ContentError, did_you_mean, display_path
from .yamllines import load_list

_KIND_NAMES = {str: "text", int: "a whole number", bool: "true or false", list: "a list", dict: "a mapping"}


@dataclass(frozen=True)
class Field:
    kind: type                  # str, int, bool, list or dict; None (null) is accepted unless required
    required: bool = False
    items: type | None = None   # for a list: the kind of every item


def _kind_ok(value, kind: type) -> bool:
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def _described(value) -> str:
    if value is None:
        return "null"
    kind = next((k for k in (bool, int, str, list, dict) if isinstance(value, k)), None)
    return _KIND_NAMES[kind] if kind else type(value).__name__


def check_fields(entry, fields: dict[str, Field], shown: str, line: int | None,
                 what: str = "an entry") -> list[ContentError]:
    """Every unknown, missing, empty or mistyped field of entry, at its line."""
    if not isinstance(entry, dict):
        return [ContentError(shown, line, f"{what} must be a mapping of field: value, not {_described(entry)}")]
    key_lines = getattr(entry, "key_lines", {})
    errors = []
    for name, value in entry.items():
        at = key_lines.get(name, line)
        spec = fields.get(name)
        if spec is None:
            errors.append(ContentError(shown, at, f"unknown field '{name}'{did_you_mean(name, fields)}"))
        elif value is None:
            continue
        elif not _kind_ok(value, spec.kind):
            errors.append(ContentError(shown, at, f"field '{name}' has the wrong type "
                                                  f"({_described(value)}; expected {_KIND_NAMES[spec.kind]})"))
        elif spec.items is not None:
            item_lines = getattr(value, "item_lines", [at] * len(value))
            for item, item_line in zip(value, item_lines):
                if not _kind_ok(item, spec.items) or (spec.items is str and not item.strip()):
                    errors.append(ContentError(shown, item_line, f"field '{name}': every item must be "
                                                                 f"{_KIND_NAMES[spec.items]}, not {_described(item)}"))
                    break
    for name, spec in fields.items():
        value = entry.get(name)
        if spec.required and value is None:
            errors.append(ContentError(shown, line, f"missing required field '{name}'"))
        elif spec.required and isinstance(value, str) and not value.strip():
            errors.append(ContentError(shown, key_lines.get(name, line), f"field '{name}' is empty"))
    return errors


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_date(value, shown: str, line: int | None, name: str, errors: list[ContentError]) -> dt.date | None:
    """A YYYY-MM-DD date (dates are read as text, never as YAML timestamps)."""
    if value is None:
        return None
    text = str(value)
    try:
        if _ISO_DATE.fullmatch(text):
            parsed = dt.date.fromisoformat(text)
            if parsed.year >= 1900:
                return parsed
    except ValueError:
        pass
    errors.append(ContentError(shown, line, f"field '{name}' is not a date (YYYY-MM-DD): '{text}'"))
    return None


def checked_entries(path: Path, root: Path, fields: dict[str, Field], what: str, example: str,
                    errors: list[ContentError]) -> Iterator[tuple[dict, int]]:
    """The entries of a data file that holds a list, each checked against fields: the
    sound ones with their lines; the problems of the others go into errors."""
    shown = display_path(path, root)
    entries = load_list(path, root, example, errors)
    for entry, line in zip(entries, entries.item_lines):
        problems = check_fields(entry, fields, shown, line, what=what)
        if problems:
            errors.extend(problems)
        else:
            yield entry, line
