"""What ``commonplace serve`` says on start: where it answers, whether the demo archive
was loaded, where the data lives, and how to make a token to sign in with."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path
from urllib.parse import urlsplit

from infra.settings import Settings

DEFAULT_DATA_DIR = Path("var")


def demo_state(settings: Settings, head_before: int) -> str:
    """Whether start-up loaded the demo archive, given the log's head before it did."""
    if not settings.load_demo:
        return "not loaded (COMMONPLACE_LOAD_DEMO=false)"
    if head_before == 0:
        return "loaded into the empty store (COMMONPLACE_LOAD_DEMO=false starts empty)"
    return "not loaded: the store already holds an archive"


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    host = parts.hostname or ""
    where = f"{host}:{parts.port}" if parts.port else host
    user = f"{parts.username}@" if parts.username else ""
    return f"{parts.scheme}://{user}{where}{parts.path}"


def data_lines(settings: Settings) -> list[str]:
    """Where the events, the search index and the media are kept (never a password)."""
    folder = settings.data_dir.resolve()
    if settings.database_url:
        schema = settings.database_schema or "public"
        events = f"PostgreSQL {_without_password(settings.database_url)} (schema {schema})"
    else:
        events = str(folder / "events.sqlite3")
    if settings.search_backend == "meilisearch":
        search = f"Meilisearch {settings.meilisearch_url} (index {settings.meilisearch_index})"
    else:
        search = str(folder / "search")
    if settings.media_backend == "s3":
        endpoint = settings.s3_endpoint_url or f"AWS {settings.s3_region}"
        media = f"S3 bucket {settings.s3_bucket} at {endpoint}"
        if settings.s3_prefix:
            media += f" (prefix {settings.s3_prefix})"
    else:
        media = str(folder / "media")
    return [f"  Events:  {events}", f"  Search:  {search}", f"  Media:   {media}"]


def token_command(settings: Settings, program: str | None = None) -> str:
    """The command that makes an editor's token for this store, ready to paste."""
    command = Path(program or sys.argv[0])
    try:
        shown = str(command.resolve().relative_to(Path.cwd()))
    except ValueError:
        shown = str(command.resolve())
    words = [shown, "tokens", "create", "--role", "editor", "--name", "Your Name"]
    prefix = ""
    if settings.data_dir != DEFAULT_DATA_DIR and not settings.database_url:
        prefix = f"COMMONPLACE_DATA_DIR={shlex.quote(str(settings.data_dir.resolve()))} "
    return prefix + shlex.join(words)


def banner(settings: Settings, demo: str, program: str | None = None) -> list[str]:
    address = f"http://{settings.host}:{settings.port}"
    lines = [f"Commonplace is serving on {address}"]
    if settings.base_url != address:
        lines.append(f"  Public address (BASE_URL): {settings.base_url}")
    lines += [f"  Demo archive: {demo}", "Data:", *data_lines(settings)]
    lines += [f"To sign in, make a token (shown once) and paste it at {settings.base_url}/signin:"]
    lines.append(f"  {token_command(settings, program)}")
    if settings.database_url:
        lines.append("  (run it with the same COMMONPLACE_DATABASE_URL as this server)")
    return lines
