"""The seeded frameworks, as data files. Adding a framework means adding a JSON file
(or posting one to ``/api/v1/frameworks``), not writing code."""

from __future__ import annotations

import json
from importlib import resources
from typing import Any


def seeded_frameworks() -> list[dict[str, Any]]:
    folder = resources.files(__name__)
    return [
        json.loads(entry.read_text(encoding="utf-8"))
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".json")
    ]
