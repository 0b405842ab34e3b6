"""Reading values out of another site's JSON-LD, which may hold anything: the value
asked for when it has the expected type, else nothing."""

from __future__ import annotations

from typing import Any


def node_of(value: Any) -> dict[str, Any] | None:
    """A node, or the first of a list of nodes."""
    if isinstance(value, list):
        value = value[0] if value else None
    return value if isinstance(value, dict) else None


def name_of(value: Any) -> str:
    node = node_of(value)
    name = node.get("name") if node else None
    return name if isinstance(name, str) else ""


def int_of(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def text_of(value: Any) -> str | None:
    return value if isinstance(value, str) else None
