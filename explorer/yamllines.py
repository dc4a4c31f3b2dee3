"""YAML read with the line of every mapping and sequence item, for error messages."""
from __future__ import annotations

import yaml

from .content import _BaseLoader, parse_yaml
from .errors import ContentError, ContentErrors


class LineDict(dict):
    line: int = 0
    key_lines: dict


class LineList(list):
    line: int = 0
    item_lines: list


def _with_lines(node, value, offset: int):
    if isinstance(node, yaml.MappingNode) and isinstance(value, dict):
        out = LineDict()
        out.line = node.start_mark.line + 1 + offset
        out.key_lines = {}
        for key_node, value_node in node.value:
            key = key_node.value
            out[key] = _with_lines(value_node, value[key], offset)
            out.key_lines[key] = key_node.start_mark.line + 1 + offset
        return out
    if isinstance(node, yaml.SequenceNode) and isinstance(value, list):
        out = LineList(_with_lines(n, v, offset) for n, v in zip(node.value, value))
        out.line = node.start_mark.line + 1 + offset
        out.item_lines = [n.start_mark.line + 1 + offset for n in node.value]
        return out
    return value


def load_with_lines(text: str, shown: str):
    value = parse_yaml(text, shown)          # raises ContentErrors with the parser's line
    try:
        node = yaml.compose(text, Loader=_BaseLoader)
    except yaml.YAMLError as exc:            # pragma: no cover - parse_yaml caught it first
        raise ContentErrors([ContentError(shown, None, str(exc))]) from exc
    return _with_lines(node, value, 0) if node is not None else value
