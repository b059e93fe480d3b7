"""How a show file's values are guarded and quoted before they are read: how deep its
tables and lists may go (found in the text, with the line, and in the parsed data), and
a value shown short in a message whatever its size or nesting."""

from __future__ import annotations

import reprlib
from typing import Any

MAX_NESTING = 4
"""How deep a show's values go: the file, its list of scenes, a scene, a table or list in
it (such as ``keyer = { ... }`` or a ticker's headlines). Deeper is a mistake."""

_SHOWN = reprlib.Repr()
_SHOWN.maxlevel, _SHOWN.maxstring, _SHOWN.maxother, _SHOWN.maxlist = 2, 40, 40, 4


def shown(value: Any) -> str:
    """``value`` as written in a message: short, whatever its size or nesting (true and
    false as TOML spells them)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return _SHOWN.repr(value)


def deep_line(text: str) -> int:
    """The first line where brackets open deeper than a show's values go (1-based; 0 when
    none is found): a list or table in a scene holds plain values only, at the top
    ``scene = [{ ... = { ... } }]`` is the deepest. Quoted text and comments are skipped."""
    allowed, depth, quote = MAX_NESTING - 1, 0, ""
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if depth == 0 and stripped.startswith("["):  # a [table] or [[scene]] heading
            allowed = MAX_NESTING - 3 if stripped.startswith("[[") else MAX_NESTING - 2
            continue
        for char in line:
            if quote:
                quote = "" if char == quote else quote
            elif char in "\"'":
                quote = char
            elif char == "#":
                break
            elif char in "[{":
                depth += 1
                if depth > allowed:
                    return number
            elif char in "]}":
                depth = max(0, depth - 1)
        quote = ""  # strings in a show file end on their line
    return 0


def deepest(data: Any) -> int:
    """How deep ``data``'s tables and lists go (the file itself is 1), without recursion."""
    deepest = 0
    todo: list[tuple[Any, int]] = [(data, 1)]
    while todo:
        value, depth = todo.pop()
        deepest = max(deepest, depth)
        if deepest > MAX_NESTING:
            break
        if isinstance(value, dict):
            todo.extend(
                (item, depth + 1) for item in value.values() if isinstance(item, dict | list)
            )
        elif isinstance(value, list):
            todo.extend((item, depth + 1) for item in value if isinstance(item, dict | list))
    return deepest
