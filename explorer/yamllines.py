"""YAML read with the line of every mapping key and sequence item, for error messages.

One pass over the parser's events builds the values, so hostile input stays cheap:
aliases are refused (an alias bomb never expands), nesting is bounded (libyaml's own
composer recurses without limit), dates stay text for the fields that parse them, and
only plain scalars (text, numbers, true/false, null) are accepted.
"""
from __future__ import annotations

from pathlib import Path

import yaml

from .errors import ContentError, ContentErrors, display_path
from .sourcefiles import read_text

MAX_DEPTH = 32          # far beyond any content or data file; libyaml crashes near 100,000
MAX_INT_DIGITS = 18     # Python refuses past 4,300; nothing here is longer than a year

_PLAIN_TAGS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float",
               "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"}


class LineDict(dict):
    """A mapping with the line of the mapping and of each key."""

    def __init__(self, *args, line: int = 0):
        super().__init__(*args)
        self.line = line
        self.key_lines: dict = {}


class LineList(list):
    """A sequence with the line of the sequence and of each item."""

    def __init__(self, *args, line: int = 0):
        super().__init__(*args)
        self.line = line
        self.item_lines: list = []


def _without_timestamps(loader_class):
    """A loader whose implicit types leave dates as text (fields parse them, with messages)."""
    resolvers = {first: [(tag, regexp) for tag, regexp in entries if tag != "tag:yaml.org,2002:timestamp"]
                 for first, entries in loader_class.yaml_implicit_resolvers.items()}
    return type(loader_class.__name__ + "NoDates", (loader_class,), {"yaml_implicit_resolvers": resolvers})


# libyaml's parser where PyYAML was built with it (the wheels are); the pure parser is
# used again on a failure only, because its error messages are the clearer ones
_FAST = _without_timestamps(getattr(yaml, "CSafeLoader", yaml.SafeLoader))
_CLEAR = _without_timestamps(yaml.SafeLoader)


class _Refused(Exception):
    def __init__(self, line: int, message: str):
        super().__init__(message)
        self.line, self.message = line, message


def load_with_lines(text: str, shown: str, line_offset: int = 0):
    """The YAML document in text as LineDict / LineList / scalars, or ContentErrors naming
    shown and the line (offset by line_offset, for front matter inside a file)."""
    try:
        try:
            return _build(_FAST, text, line_offset)
        except yaml.YAMLError:   # read again for the pure parser's message
            return _build(_CLEAR, text, line_offset)
    except yaml.YAMLError as exc:
        raise ContentErrors([_yaml_error(shown, exc, line_offset)]) from None
    except _Refused as exc:
        raise ContentErrors([ContentError(shown, exc.line, exc.message)]) from None


def _build(loader_class, text: str, offset: int):
    loader = loader_class(text)
    try:
        return _values(loader, offset)
    finally:
        loader.dispose()


def _values(loader, offset: int):
    stack: list[list] = []   # a frame: [container, pending key or _NO_KEY, line of that key]
    result, documents = None, 0
    tags: dict = {}   # (text, implicit) -> tag: a task file repeats its agencies thousands of times
    while True:
        event = loader.get_event()
        line = event.start_mark.line + 1 + offset
        if event.__class__ is yaml.ScalarEvent:   # most events: tested first
            if event.anchor is not None:
                raise _Refused(line, f"YAML anchors are not allowed (&{event.anchor}): write the value out")
            value = _scalar(loader, event, line, tags)
            if not stack:
                result = value
            else:
                _add(stack, value, line)
            continue
        if isinstance(event, yaml.StreamEndEvent):
            return result
        if isinstance(event, yaml.DocumentStartEvent):
            documents += 1
            if documents > 1:
                raise _Refused(line, "invalid YAML: more than one document (a second '---')")
            continue
        if isinstance(event, (yaml.StreamStartEvent, yaml.DocumentEndEvent)):
            continue
        if isinstance(event, yaml.AliasEvent):
            raise _Refused(line, f"YAML aliases are not allowed (*{event.anchor}): write the value out")
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            value = stack.pop()[0]
            line = value.line
        elif isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if event.anchor is not None:
                raise _Refused(line, f"YAML anchors are not allowed (&{event.anchor}): write the value out")
            if len(stack) >= MAX_DEPTH:
                raise _Refused(line, f"invalid YAML: nested more than {MAX_DEPTH} levels deep")
            if event.tag not in (None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"):
                raise _Refused(line, f"YAML tag '{event.tag}' is not allowed: use plain text, numbers, true/false")
            if _awaiting_key(stack):
                raise _Refused(line, "invalid YAML: a key must be a plain value, not a mapping or list")
            container = (LineDict if isinstance(event, yaml.MappingStartEvent) else LineList)(line=line)
            stack.append([container, _NO_KEY, 0])
            continue
        if not stack:
            result = value
            continue
        _add(stack, value, line)


_NO_KEY = object()   # a mapping's frame before its next key


def _awaiting_key(stack: list[list]) -> bool:
    return bool(stack) and isinstance(stack[-1][0], LineDict) and stack[-1][1] is _NO_KEY


def _add(stack: list[list], value, line: int) -> None:
    frame = stack[-1]
    container = frame[0]
    if isinstance(container, LineList):
        container.append(value)
        container.item_lines.append(line)
        return
    if frame[1] is _NO_KEY:
        if not isinstance(value, str):
            raise _Refused(line, f"key {value!r} is not a name: write it as text (quoted)")
        if value in container:
            raise _Refused(line, f"invalid YAML: duplicate key '{value}' (first at line {container.key_lines[value]})")
        frame[1], frame[2] = value, line
        return
    container[frame[1]] = value
    container.key_lines[frame[1]] = frame[2]
    frame[1] = _NO_KEY


_STR = "tag:yaml.org,2002:str"


def _scalar(loader, event, line: int, tags: dict):
    tag = event.tag if event.tag not in (None, "!") else None
    if tag is None:
        key = (event.value, event.implicit)
        tag = tags.get(key)
        if tag is None:
            tag = tags[key] = loader.resolve(yaml.ScalarNode, event.value, event.implicit)
    if tag == _STR:
        return event.value   # what SafeLoader's constructor gives a text scalar
    if tag not in _PLAIN_TAGS:
        raise _Refused(line, f"YAML tag '{event.tag}' is not allowed: use plain text, numbers, true/false")
    if tag == "tag:yaml.org,2002:int" and len(event.value.lstrip("+-")) > MAX_INT_DIGITS:
        raise _Refused(line, f"number '{event.value[:24]}…' is too long ({len(event.value)} digits)")
    node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
    try:
        return loader.yaml_constructors[tag](loader, node)
    except (ValueError, OverflowError) as exc:
        raise _Refused(line, f"invalid value '{event.value[:40]}': {exc}") from None


def _yaml_error(shown: str, exc: yaml.YAMLError, line_offset: int) -> ContentError:
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    line = mark.line + 1 + line_offset if mark is not None else None
    problem = getattr(exc, "problem", None) or str(exc)
    context = getattr(exc, "context", None)
    if "found character '\\t'" in problem:
        problem, context = "tab character used for indentation; use spaces", None
    context_mark = getattr(exc, "context_mark", None)
    message = f"invalid YAML: {problem}"
    if context:
        started = f" started at line {context_mark.line + 1 + line_offset}" if context_mark else ""
        message += f" ({context}{started})"
    return ContentError(shown, line, message)


def load_yaml(path: Path, root: Path | None = None):
    """A YAML file read strictly (see sourcefiles.read_text), with its lines."""
    return load_with_lines(read_text(path, root), display_path(path, root))


def load_collected(path: Path, root: Path | None, errors: list[ContentError]):
    """A YAML file's value, or None with its problems added to errors."""
    try:
        return load_yaml(path, root)
    except ContentErrors as exc:
        errors.extend(exc.errors)
        return None


def load_list(path: Path, root: Path | None, example: str, errors: list[ContentError]) -> LineList:
    """A data file that holds a list (empty when missing items or unreadable: the problem
    is added to errors). example shows an item, for the message."""
    items = load_collected(path, root, errors)
    if items is None:
        return LineList()
    if not isinstance(items, list):
        errors.append(ContentError(display_path(path, root), getattr(items, "line", 1),
                                   f"must be a list ({example})"))
        return LineList()
    return items
