"""The Spanish catalogue covers every message of the pages, and compiles cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.catalog import Message
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

from services.api.web import i18n

ROOT = Path(__file__).resolve().parents[2]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "N_": None}


def extracted() -> set[str]:
    """Every message id in the pages' templates and Python code, as ``pybabel extract`` finds it."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)  # type: ignore[no-untyped-call]
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        ROOT, method_map, options_map, keywords=KEYWORDS
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def catalogue(lang: str) -> dict[str, Message]:
    path = i18n.LOCALE_DIR / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        return {
            str(m.id[0] if isinstance(m.id, (tuple, list)) else m.id): m
            for m in read_po(handle, locale=lang)
            if m.id
        }


def test_extraction_finds_the_pages_messages() -> None:
    messages = extracted()
    assert "Skip to main content" in messages  # base.html
    assert "Page not found" in messages  # errors.py, marked with N_
    assert "%(num)s artifact" in messages  # a plural, from _results.html
    assert len(messages) > 100


def translated(message: Message | None) -> bool:
    if message is None or message.fuzzy:
        return False
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    return all(strings)


def test_every_message_has_a_spanish_translation() -> None:
    spanish = catalogue("es")
    untranslated = sorted(m for m in extracted() if not translated(spanish.get(m)))
    assert not untranslated, f"missing from locale/es/LC_MESSAGES/messages.po: {untranslated}"


def test_spanish_keeps_every_placeholder() -> None:
    import re

    placeholder = re.compile(r"%\(\w+\)s")
    for message in catalogue("es").values():
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        wanted = set(placeholder.findall(str(ids[-1])))
        for text in strings:
            assert set(placeholder.findall(str(text))) == wanted, (ids, text)


def test_the_catalogue_compiles_in_memory() -> None:
    spanish = i18n.translations("es")
    assert spanish.gettext("Skip to main content") == "Ir al contenido principal"
    assert spanish.ngettext("%(num)s artifact", "%(num)s artifacts", 2) == "%(num)s publicaciones"
    assert i18n.translations("en").gettext("Search") == "Search"


def test_a_third_language_is_only_a_catalogue(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "fr" / "LC_MESSAGES"
    folder.mkdir(parents=True)
    (folder / "messages.po").write_text(
        'msgid ""\nmsgstr "Language: fr\\n"\n\nmsgid "Search"\nmsgstr "Rechercher"\n',
        encoding="utf-8",
    )
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.translations.cache_clear()
    try:
        assert i18n.available() == ("en", "fr")
        assert i18n.translations("fr").gettext("Search") == "Rechercher"
        assert i18n.own_name("fr") == "Français"
    finally:
        i18n.translations.cache_clear()


def test_no_message_is_in_the_spanish_catalogue_twice() -> None:
    """A second entry for a message would silently win over the first."""
    path = i18n.LOCALE_DIR / "es" / "LC_MESSAGES" / "messages.po"
    ids = [
        line for line in path.read_text(encoding="utf-8").splitlines() if line.startswith("msgid ")
    ]
    repeated = sorted({i for i in ids if ids.count(i) > 1} - {'msgid ""'})
    assert not repeated, repeated
