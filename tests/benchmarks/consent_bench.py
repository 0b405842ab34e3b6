"""Consent withdrawal benchmark: from the withdrawal request to the artifact gone everywhere.

    python -m tests.benchmarks.consent_bench [--runs N] [--timeout S] [--store sqlite|postgres]

Each run records a person, their consent (adaptable) and a public story listing
them, publishes it and waits until every surface shows it. Then the clock starts,
``POST /api/v1/consents/{id}/withdraw`` is sent, and each surface is polled until
the artifact is gone from it:

- search: ``GET /api/v1/search`` for the story's own word no longer finds it;
- feeds: ``/feeds/atom`` and ``/feeds/json`` no longer name it;
- OAI-PMH: ``GetRecord`` answers a header with ``status="deleted"``;
- change feed: a tombstone for it, and its title in no row;
- JSON-LD: ``/api/v1/artifacts/{id}/jsonld`` answers 410;
- BagIt package: ``/api/v1/artifacts/{id}/package`` answers 410 (or 404);
- browse pages: ``/api/v1/browse/places/desert-view`` and the ``/places/desert-view``
  page no longer list it;
- facet counts: the ``story`` count of the kinds facet is one less than before;
- media: the photo (``/media/{id}``) and its thumbnail answer 404;
- page: ``/artifacts/{id}`` answers 410.

A surface not gone within ``--timeout`` seconds is reported as NOT GONE with the
number of runs it failed; it is never counted as a pass. The API (uvicorn) and the
indexer (its real loop, consent enforcement first) run as threads of this process,
on a fresh SQLite file and on a fresh PostgreSQL schema.
"""

from __future__ import annotations

import argparse
import io
import threading
import time
import uuid
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import Any

import httpx

from domain.access import Principal, Role
from domain.artifact import Artifact
from infra.bootstrap import Container, build, build_indexer, seed_frameworks
from services.api.app import create_app
from tests import media_samples
from tests.benchmarks import machine
from tests.benchmarks.server import BackgroundServer
from tests.benchmarks.stats import Sample
from tests.benchmarks.stores import Store, StoreUnavailable, postgres_store, sqlite_store
from tests.conftest import READY_STORY, seed_places

POLL = 0.01  # seconds between rounds of checks
SURFACES = (
    "search",
    "facet counts",
    "browse pages",
    "atom feed",
    "json feed",
    "oai-pmh",
    "change feed",
    "json-ld",
    "bagit package",
    "media",
    "thumbnail",
    "page",
)
Check = Callable[[httpx.Client, "Story"], bool]


@dataclass
class Story:
    artifact_id: str
    consent_id: str
    title: str
    word: str
    oai_id: str
    media_id: str
    thumbnail: str
    stories_before: int = 0


@dataclass
class Results:
    gone: dict[str, Sample] = field(default_factory=lambda: {s: Sample(s) for s in SURFACES})
    everywhere: Sample = field(default_factory=lambda: Sample("gone from every surface"))
    not_gone: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SURFACES, 0))
    never_shown: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SURFACES, 0))
    runs: int = 0


def shown(client: httpx.Client, story: Story) -> dict[str, bool]:
    """Whether each surface shows the story (before the withdrawal)."""
    story.stories_before = _stories(client)
    return {
        "search": story.artifact_id in _search(client, story),
        "facet counts": story.stories_before > 0,
        "browse pages": all(story.artifact_id in text for text in _browse(client)),
        "bagit package": _status(client, f"/api/v1/artifacts/{story.artifact_id}/package") == 200,
        "media": _status(client, f"/media/{story.media_id}") == 200,
        "thumbnail": _status(client, f"/media/{story.media_id}/{story.thumbnail}") == 200,
        "atom feed": story.artifact_id in client.get("/feeds/atom").text,
        "json feed": story.artifact_id in client.get("/feeds/json").text,
        "oai-pmh": _oai(client, story) == "present",
        "change feed": story.title in _changes(client),
        "json-ld": client.get(f"/api/v1/artifacts/{story.artifact_id}/jsonld").status_code == 200,
        "page": client.get(f"/artifacts/{story.artifact_id}").status_code == 200,
    }


def gone(client: httpx.Client, story: Story, surface: str) -> bool:
    if surface == "search":
        return story.artifact_id not in _search(client, story)
    if surface == "facet counts":
        return _stories(client) == story.stories_before - 1
    if surface == "browse pages":
        return all(story.artifact_id not in text for text in _browse(client))
    if surface == "bagit package":
        return _status(client, f"/api/v1/artifacts/{story.artifact_id}/package") in (404, 410)
    if surface == "media":
        return _status(client, f"/media/{story.media_id}") == 404
    if surface == "thumbnail":
        return _status(client, f"/media/{story.media_id}/{story.thumbnail}") == 404
    if surface in ("atom feed", "json feed"):
        text = client.get("/feeds/atom" if surface == "atom feed" else "/feeds/json").text
        return story.artifact_id not in text and story.title not in text
    if surface == "oai-pmh":
        return _oai(client, story) == "deleted"
    if surface == "change feed":
        answer = client.get("/api/v1/changes", params={"limit": 1000})
        return story.title not in answer.text and _tombstone(answer.json(), story)
    if surface == "json-ld":
        return client.get(f"/api/v1/artifacts/{story.artifact_id}/jsonld").status_code == 410
    return client.get(f"/artifacts/{story.artifact_id}").status_code == 410


def _status(client: httpx.Client, path: str) -> int:
    return client.get(path, follow_redirects=False).status_code


def _stories(client: httpx.Client) -> int:
    """The ``story`` count of the kinds facet, over every public artifact."""
    facets = client.get("/api/v1/search", params={"per_page": 1}).json()["facets"]
    return sum(int(k.get("count", 0)) for k in facets.get("kinds", []) if k.get("kind") == "story")


def _browse(client: httpx.Client) -> list[str]:
    return [
        client.get("/api/v1/browse/places/desert-view", params={"per_page": 100}).text,
        client.get("/places/desert-view").text,
    ]


def _search(client: httpx.Client, story: Story) -> str:
    return client.get("/api/v1/search", params={"q": story.word}).text


def _oai(client: httpx.Client, story: Story) -> str:
    params = {"verb": "GetRecord", "identifier": story.oai_id, "metadataPrefix": "oai_dc"}
    text = client.get("/oai", params=params).text
    if 'status="deleted"' in text:
        return "deleted"
    return "present" if "<metadata>" in text or "<metadata " in text else "absent"


def _changes(client: httpx.Client) -> str:
    return client.get("/api/v1/changes", params={"limit": 1000}).text


def _tombstone(page: dict[str, Any], story: Story) -> bool:
    """Whether the change feed's page holds a withdrawal row for the story."""
    return any(
        str(row.get("id")) == story.artifact_id and row.get("type") == "withdrawn"
        for row in page.get("changes", [])
    )


def prepare(container: Container, partner: Principal, editor: Principal, n: int) -> Story:
    archive = container.archive
    word = f"zq{uuid.uuid4().hex[:10]}"
    title = f"Consent benchmark story {n} {word}"
    person = uuid.UUID(str(archive.people.record(partner, {"name": f"Student {n}"}).id))
    consent = archive.people.give(
        partner,
        {"person_id": person, "given_by": "person", "method": "online", "scope": "adaptable"},
    ).id
    content = {
        **READY_STORY,
        "title": title,
        "body": f"# {title}\n\nWe began with {word}.",
        "persons": [{"person_id": str(person), "role": "named"}],
    }
    created = archive.artifacts.create(partner, "story", content)
    aid = uuid.UUID(str(created.id))
    media_id, thumbnail = _photo(container, partner, aid)
    version = archive.load(Artifact, aid).version
    submitted = archive.artifacts.submit(partner, aid, version)
    archive.artifacts.publish(editor, aid, submitted.version)
    oai_id = container.oai.identifier(str(aid))
    return Story(str(aid), str(consent), title, word, oai_id, media_id, thumbnail)


def _photo(container: Container, partner: Principal, artifact_id: uuid.UUID) -> tuple[str, str]:
    """A photo of the story, through the media service as an upload goes."""
    data = media_samples.png()
    declared = {
        "filename": "circle.png",
        "content_type": "image/png",
        "size": len(data),
        "sha256": media_samples.sha(data),
        "alt": "Students in a circle",
    }
    media = container.media
    media_id = media.declare(partner, artifact_id, declared)["media_id"]
    media.receive(partner, uuid.UUID(media_id), io.BytesIO(data), None)
    media.complete(partner, uuid.UUID(media_id), None)
    item = container.archive.load(Artifact, artifact_id).media_item(media_id)
    assert item is not None and item["variants"], "the photo has no thumbnail"
    return media_id, next(iter(item["variants"]))


def one_run(
    client: httpx.Client, token: str, story: Story, timeout: float, results: Results
) -> None:
    deadline = time.monotonic() + timeout
    visible = shown(client, story)
    while not all(visible.values()) and time.monotonic() < deadline:
        time.sleep(POLL)
        visible = shown(client, story)
    for surface, seen in visible.items():
        if not seen:
            results.never_shown[surface] += 1
    waiting = set(SURFACES)
    started = time.perf_counter_ns()
    answer = client.post(
        f"/api/v1/consents/{story.consent_id}/withdraw",
        json={},
        headers={"Authorization": f"Bearer {token}"},
    )
    answer.raise_for_status()
    deadline = time.monotonic() + timeout
    while waiting and time.monotonic() < deadline:
        for surface in sorted(waiting):
            if gone(client, story, surface):
                results.gone[surface].add(time.perf_counter_ns() - started)
                waiting.discard(surface)
        time.sleep(POLL)
    for surface in waiting:
        results.not_gone[surface] += 1
    if not waiting:
        results.everywhere.add(time.perf_counter_ns() - started)
    results.runs += 1


def bench_store(opened: AbstractContextManager[Store], runs: int, timeout: float) -> list[str]:
    with opened as store:
        lines = [f"=== {store.name}: {store.detail}"]
        container = build(store.fresh("consent"))
        seed_frameworks(container.archive)
        seed_places(container.archive)
        tokens = container.archive.tokens
        partner_token, partner_id = tokens.issue("partner", "Bench partner")
        editor = Principal(id=tokens.issue("editor", "Bench editor")[1], name="E", role=Role.EDITOR)
        partner = Principal(id=partner_id, name="P", role=Role.PARTNER)
        stop = threading.Event()
        indexer = build_indexer(container)
        thread = threading.Thread(target=indexer.run, args=(stop,), name="indexer", daemon=True)
        thread.start()
        results = Results()
        try:
            with (
                BackgroundServer(create_app(container=container)) as server,
                httpx.Client(base_url=server.base_url, timeout=30) as client,
            ):
                for n in range(runs):
                    story = prepare(container, partner, editor, n)
                    one_run(client, partner_token, story, timeout, results)
        finally:
            stop.set()
            thread.join(timeout=30)
            container.close()
        lines += report(results, timeout)
        return lines


def report(results: Results, timeout: float) -> list[str]:
    lines = [f"withdrawal -> gone, {results.runs} runs (timeout {timeout:g} s a run):"]
    for surface in SURFACES:
        sample = results.gone[surface]
        failed, hidden = results.not_gone[surface], results.never_shown[surface]
        figure = f"p50 {sample.p50:8.1f} ms   p95 {sample.p95:8.1f} ms" if sample.count >= 2 else ""
        verdict = f"NOT GONE in {failed}/{results.runs} runs" if failed else "gone in every run"
        note = f"; never shown before the withdrawal in {hidden} runs" if hidden else ""
        lines.append(f"  {surface:<15} {figure:<36} {verdict}{note}")
    every = results.everywhere
    figure = f"p50 {every.p50:8.1f} ms   p95 {every.p95:8.1f} ms" if every.count >= 2 else ""
    verdict = (
        "gone in every run"
        if every.count == results.runs
        else f"NOT GONE from every surface in {results.runs - every.count}/{results.runs} runs"
    )
    lines.append(f"  {'every surface':<15} {figure:<36} {verdict}")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--timeout", type=float, default=10.0)
    parser.add_argument("--store", choices=("sqlite", "postgres", "both"), default="both")
    args = parser.parse_args(argv)
    print("Consent withdrawal benchmark", flush=True)
    for label, value in machine.describe():
        print(f"  {label + ':':<16} {value}", flush=True)
    stores = {"sqlite": sqlite_store, "postgres": postgres_store}
    failing = False
    for name, opened in stores.items():
        if args.store not in (name, "both"):
            continue
        try:
            lines = bench_store(opened(), args.runs, args.timeout)
        except StoreUnavailable as error:
            lines = [f"=== {name}: skipped ({error})"]
        for line in lines:
            print(line, flush=True)
        failing = failing or any("NOT GONE" in line for line in lines)
    return 1 if failing else 0


if __name__ == "__main__":
    raise SystemExit(main())
