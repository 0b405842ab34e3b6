"""The README's table of settings, made from the Settings object so that it cannot drift.

    python -m infra.settings_doc                    # print the table
    python -m infra.settings_doc --write README.md  # replace the table between its markers

``tests/test_readme.py`` fails when the README's table differs from this one.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from pydantic.fields import FieldInfo
from pydantic_core import PydanticUndefined

from infra.settings import Settings

PREFIX = "COMMONPLACE_"
START = "<!-- settings table: python -m infra.settings_doc --write README.md -->"
END = "<!-- end of settings table -->"


def shown_default(field: FieldInfo) -> str:
    """The default as a person would type it in the environment."""
    extra = field.json_schema_extra
    if isinstance(extra, dict) and "shown_default" in extra:
        return str(extra["shown_default"])
    value: Any = field.default
    if value is PydanticUndefined and field.default_factory is not None:
        value = field.default_factory()  # type: ignore[call-arg]
    if value is None:
        return "unset"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value, separators=(",", ":"))
    if value == "":
        return "empty"
    return str(value)


def cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def table() -> str:
    lines = ["| variable | default | meaning |", "|---|---|---|"]
    for name, field in Settings.model_fields.items():
        variable = PREFIX + name.upper()
        default = cell(shown_default(field))
        if default not in ("unset", "empty"):
            default = f"`{default}`"
        lines.append(f"| `{variable}` | {default} | {cell(field.description or '')} |")
    return "\n".join(lines) + "\n"


def documented(readme: str) -> str:
    """The table currently between the markers of ``readme``."""
    start = readme.index(START) + len(START)
    return readme[start : readme.index(END, start)].strip("\n") + "\n"


def rewrite(readme: str) -> str:
    start = readme.index(START) + len(START)
    end = readme.index(END, start)
    return readme[:start] + "\n" + table() + readme[end:]


def main() -> None:
    parser = argparse.ArgumentParser(description="Print the settings table of the README.")
    parser.add_argument("--write", type=Path, help="replace the table in this file")
    args = parser.parse_args()
    if args.write is None:
        print(table(), end="")
        return
    args.write.write_text(rewrite(args.write.read_text(encoding="utf-8")), encoding="utf-8")


if __name__ == "__main__":
    main()
