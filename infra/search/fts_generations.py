"""The generation files of an SQLite FTS5 index directory and its ``CURRENT`` pointer.

Each generation is one file, ``gen-N.sqlite3``; the pointer names the live one and
is replaced atomically, so a rebuild swaps in a whole new file at once.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from domain.ports.search import SearchUnavailable


class Generations:
    """The generation files of one index directory and the CURRENT pointer."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.pointer = directory / "CURRENT"
        directory.mkdir(parents=True, exist_ok=True)

    def numbers(self) -> list[int]:
        return sorted(int(p.stem.split("-")[1]) for p in self.directory.glob("gen-*.sqlite3"))

    def current_name(self) -> str:
        """The live generation's file name."""
        try:
            return self.pointer.read_text().strip()
        except FileNotFoundError:
            raise SearchUnavailable(
                f"The search index pointer {self.pointer} is missing; run `commonplace "
                "reindex` to rebuild the index."
            ) from None

    @property
    def fresh(self) -> bool:
        """No index was ever made here (not: one was made and has gone missing)."""
        return not self.pointer.exists() and not self.numbers()

    def current_path(self) -> Path:
        name = self.current_name()
        path = self.directory / name
        if not path.is_file():
            raise SearchUnavailable(
                f"The search index {path} is missing{self._rebuilding_note(name)}; "
                "run `commonplace reindex` to rebuild it."
            )
        return path

    def rebuilding(self, name: str) -> list[str]:
        """Generation files newer than ``name``: a rebuild under way (or abandoned)."""
        current = int(name.split("-")[1].split(".")[0]) if name.startswith("gen-") else 0
        return [f"gen-{n}.sqlite3" for n in self.numbers() if n > current]

    def _rebuilding_note(self, name: str) -> str:
        newer = self.rebuilding(name)
        return f" (a rebuild into {newer[-1]} is in progress)" if newer else ""

    def next_name(self) -> str:
        return f"gen-{max(self.numbers(), default=0) + 1}.sqlite3"

    def point_to(self, name: str) -> None:
        temporary = self.directory / f".CURRENT.{os.getpid()}"
        temporary.write_text(name)
        os.replace(temporary, self.pointer)

    def remove_all_but(self, name: str) -> None:
        for path in self.directory.glob("gen-*.sqlite3*"):
            if not path.name.startswith(name):
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()


def pointed(generations: Generations) -> str:
    """The generation the pointer names, or an empty string without a pointer."""
    try:
        return generations.pointer.read_text().strip()
    except FileNotFoundError:
        return ""
