"""Consent from recording to erasure, over real HTTP between two Commonplace sites.

A partner of site A records a student (a minor) with a guardian's contact, the
guardian's consent for members only and the story; publishing it publicly is
refused naming the missing consent; with consent for adaptation it publishes;
site B adapts it. The guardian withdraws consent: after one pass of A's indexer
(its real views, stepped by the test) the story is gone from every surface of A,
and B's adaptation is withdrawn pending an editor's review, also when B was down
at the time and comes back. Then the person is erased and neither site's raw
stores hold their name. Run on SQLite and on PostgreSQL (one schema per site).
"""

from __future__ import annotations

import hashlib
import io
import time
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest
from eventsourcing.persistence import OperationalError

from domain import consent_rules
from infra.bootstrap import build_indexer
from services.indexer.runner import Indexer
from tests import media_samples
from tests.api.test_media_api import StandInPresigningStore
from tests.api.test_people_api import raw_stores
from tests.conftest import READY_STORY
from tests.integration.test_sites import adapt_remote, eventually
from tests.integration.test_withdrawal_notices import Database, database, notices, status
from tests.sites import Site, running_site

__all__ = ["database"]  # the fixture, on SQLite and PostgreSQL

NAME = "Itzel Marisol Zavaleta"
GUARDIAN = "guardian.zavaleta@example.org"
TITLE = "Quetzalcoatl garden mornings"
REMOVED = "a person who asked to be removed"
PROBLEM = "application/problem+json"


@dataclass
class Story:
    id: str
    person: str
    consents: list[str]
    photo: str
    variants: list[str]


@contextmanager
def site_with_indexer(
    data_dir: Path, port: int = 0, database: tuple[str, str] | None = None
) -> Iterator[tuple[Site, Indexer, dict[str, dict[str, str]]]]:
    """A running site, its indexer (stepped by the test), and a member's and another
    partner's headers."""
    with running_site(data_dir, port=port, database=database) as site:
        indexer = indexer_of(site)
        tokens = site.container.archive.tokens
        others = {
            who: {"Authorization": f"Bearer {tokens.issue(role, f'{who} of {site.url}')[0]}"}
            for who, role in (("member", "member"), ("other-partner", "partner"))
        }
        try:
            yield site, indexer, others
        finally:
            indexer.close()


def indexer_of(site: Site) -> Indexer:
    """The site's indexer. Its views make their tables as it is built; on SQLite that may
    meet the running outbox sender's write ("database is locked" at once, as an upgrade
    from a read lock is refused), and is simply tried again, as a restarted indexer is."""
    for _ in range(20):
        try:
            return build_indexer(site.container)
        except OperationalError:
            time.sleep(0.1)
    return build_indexer(site.container)


def attach_photo(site: Site, client: httpx.Client, artifact_id: str) -> tuple[str, str]:
    data = media_samples.png()
    declared = client.post(
        f"/api/v1/artifacts/{artifact_id}/media",
        json={
            "filename": "garden.png",
            "content_type": "image/png",
            "size": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            "alt": "Students in the garden",
        },
        headers=site.headers("partner"),
    )
    assert declared.status_code == 201, declared.text
    upload = declared.json()["upload"]
    path = urlsplit(upload["url"]).path
    sent = client.put(path, content=data, headers=site.headers("partner", **upload["headers"]))
    assert sent.status_code == 204, sent.text
    media_id = declared.json()["media_id"]
    done = client.post(f"/api/v1/media/{media_id}/complete", headers=site.headers("partner"))
    assert done.status_code == 200, done.text
    return str(media_id), done.headers["ETag"]


def publish(site: Site, client: httpx.Client, artifact_id: str) -> httpx.Response:
    draft = client.get(
        f"/api/v1/artifacts/{artifact_id}?view=draft", headers=site.headers("editor")
    )
    return client.post(
        f"/api/v1/artifacts/{artifact_id}/publish",
        headers=site.headers("editor", **{"If-Match": draft.headers["ETag"]}),
    )


def consent(site: Site, client: httpx.Client, person: str, artifact: str, scope: str) -> str:
    given = client.post(
        "/api/v1/consents",
        json={
            "person_id": person,
            "artifact_id": artifact,
            "given_by": "guardian",
            "method": "verbal",
            "evidence": {"witness": "Ms. Staff, the school's coordinator"},
            "scope": scope,
        },
        headers=site.headers("partner"),
    )
    assert given.status_code == 201, given.text
    return str(given.json()["id"])


def recorded_story(site: Site, client: httpx.Client) -> Story:
    """The student, the guardian's members-only consent, the story; refused publicly,
    then published with consent for adaptation."""
    person = client.post(
        "/api/v1/persons",
        json={"name": NAME, "minor": True, "guardian_contact": GUARDIAN, "credit": "full-name"},
        headers=site.headers("partner"),
    )
    assert person.status_code == 201, person.text
    person_id = str(person.json()["id"])
    created = client.post(
        "/api/v1/artifacts",
        json={
            "kind": "story",
            **READY_STORY,
            "title": TITLE,
            "persons": [{"person_id": person_id, "role": "pictured"}],
            "syndication": "adaptable",
        },
        headers=site.headers("partner"),
    )
    assert created.status_code == 201, created.text
    artifact_id = str(created.json()["id"])
    photo, _ = attach_photo(site, client, artifact_id)
    members = consent(site, client, person_id, artifact_id, "members")

    refused = publish(site, client, artifact_id)
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == PROBLEM
    missing = " ".join(refused.json()["missing"])
    assert "consent from the guardian" in missing or NAME in missing, missing
    assert "adaptation by other sites" in missing and "members only" in missing, missing

    adaptable = consent(site, client, person_id, artifact_id, "adaptable")
    done = publish(site, client, artifact_id)
    assert done.status_code == 200, done.text
    media = next(m for m in done.json()["media"] if m["id"] == photo)
    return Story(artifact_id, person_id, [members, adaptable], photo, list(media["variants"]))


def host(site: Site) -> str:
    return urlsplit(site.url).hostname or ""


def surfaces(site: Site, client: httpx.Client, story: Story) -> dict[str, httpx.Response]:
    """What every read surface of the site answers an anonymous reader."""
    oai = {"identifier": f"oai:{host(site)}:{story.id}"}
    found = {
        "search": client.get("/api/v1/search", params={"q": "Quetzalcoatl"}),
        "facets": client.get("/api/v1/search", params={"place": "desert-view"}),
        "browse term": client.get("/api/v1/browse/terms/principles/lead-with-learning"),
        "browse place": client.get("/api/v1/browse/places/desert-view"),
        "term page": client.get("/terms/principles/lead-with-learning"),
        "place page": client.get("/places/desert-view"),
        "search page": client.get("/search", params={"q": "Quetzalcoatl"}),
        "atom": client.get("/feeds/atom"),
        "json feed": client.get("/feeds/json"),
        "oai record": client.get(
            "/oai", params={"verb": "GetRecord", "metadataPrefix": "oai_dc", **oai}
        ),
        "oai list": client.get("/oai", params={"verb": "ListRecords", "metadataPrefix": "oai_dc"}),
        "changes": client.get("/api/v1/changes", params={"limit": 1000}),
        "jsonld": client.get(f"/api/v1/artifacts/{story.id}/jsonld"),
        "package": client.get(f"/api/v1/artifacts/{story.id}/package"),
        "api": client.get(f"/api/v1/artifacts/{story.id}"),
        "page": client.get(f"/artifacts/{story.id}"),
        "lineage": client.get(f"/api/v1/artifacts/{story.id}/lineage"),
        "media": client.get(f"/media/{story.photo}", follow_redirects=False),
        "media head": client.head(f"/media/{story.photo}", follow_redirects=False),
    }
    for variant in story.variants:
        found[f"thumbnail {variant}"] = client.get(
            f"/media/{story.photo}/{variant}", follow_redirects=False
        )
    return found


def facet_total(answer: httpx.Response) -> int:
    facets = answer.json()["facets"]
    return sum(
        int(entry.get("count", 0))
        for values in facets.values()
        if isinstance(values, list)
        for entry in values
        if isinstance(entry, dict)
    )


def package_text(answer: httpx.Response) -> str:
    with zipfile.ZipFile(io.BytesIO(answer.content)) as bag:
        return "".join(bag.read(n).decode("utf-8", "replace") for n in bag.namelist())


def assert_everywhere(site: Site, client: httpx.Client, story: Story) -> tuple[int, int]:
    """Published: the story and its person are on every surface; the facet counts."""
    found = surfaces(site, client, story)
    for surface in ("search", "atom", "json feed", "oai record", "oai list", "jsonld", "page"):
        assert TITLE in found[surface].text, surface
        assert NAME in found[surface].text, surface
    for surface in ("browse term", "browse place", "term page", "place page", "search page"):
        assert TITLE in found[surface].text, surface
    assert NAME in package_text(found["package"])
    assert any(c.get("title") == TITLE for c in found["changes"].json()["changes"])
    for surface in ("media", "media head", *tuple(f"thumbnail {v}" for v in story.variants)):
        assert found[surface].status_code == 200, surface
    return facet_total(found["facets"]), found["facets"].json()["total"]


def assert_gone(site: Site, client: httpx.Client, story: Story, before: tuple[int, int]) -> None:
    """Withdrawn: nothing of the story or its person on any surface of the site."""
    found = surfaces(site, client, story)
    for surface, answer in found.items():
        assert TITLE not in answer.text, surface
        assert NAME not in answer.text, surface
    assert found["search"].json()["total"] == 0
    assert found["facets"].json()["total"] == before[1] - 1
    assert facet_total(found["facets"]) < before[0]
    assert story.id not in found["atom"].text and story.id not in found["json feed"].text
    record = found["oai record"].text
    assert 'status="deleted"' in record and "<metadata" not in record, record
    assert story.id not in found["oai list"].text or 'status="deleted"' in found["oai list"].text
    rows = [c for c in found["changes"].json()["changes"] if c["id"] == story.id]
    assert rows[-1]["type"] == "withdrawn", rows
    assert set(rows[-1]) == {"cursor", "type", "id", "at"}
    for earlier in rows[:-1]:
        assert "title" not in earlier and "links" not in earlier and "jsonld" not in earlier
    for surface in ("jsonld", "package"):
        assert found[surface].status_code in (404, 410), surface
        assert found[surface].headers["content-type"] == PROBLEM, surface
    assert found["api"].status_code == 410
    assert found["page"].status_code == 410
    assert consent_rules.WITHDRAWN_REASON in found["page"].text
    assert GUARDIAN not in found["page"].text
    for surface in ("media", "media head", *tuple(f"thumbnail {v}" for v in story.variants)):
        assert found[surface].status_code == 404, surface
        assert "location" not in found[surface].headers, surface


def withdraw_consents(site: Site, client: httpx.Client, story: Story) -> None:
    for given in story.consents:
        answer = client.post(f"/api/v1/consents/{given}/withdraw", headers=site.headers("partner"))
        assert answer.status_code == 200, answer.text


def presigning(site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    """The media store becomes a stand-in for S3's presigned redirects."""
    monkeypatch.setattr(
        site.container.media, "store", StandInPresigningStore(site.container.media.store)
    )


def test_a_guardian_withdraws_consent_and_every_surface_and_site_follows(
    tmp_path: Path, database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    with (
        site_with_indexer(tmp_path / "a", database=database()) as (a, indexer, people_a),
        running_site(tmp_path / "b", database=database()) as b,
        a.client() as ca,
        b.client() as cb,
    ):
        story = recorded_story(a, ca)
        indexer.catch_up()
        before = assert_everywhere(a, ca, story)
        on_b = str(adapt_remote(b, cb, f"{a.url}/api/v1/artifacts/{story.id}", "england")["id"])
        eventually(lambda: ca.get(f"/api/v1/artifacts/{story.id}").json()["adaptations"]["count"])
        presigning(a, monkeypatch)
        redirect = ca.get(f"/media/{story.photo}", follow_redirects=False)
        assert redirect.status_code == 307, redirect.text

        withdraw_consents(a, ca, story)
        indexer.step()  # one pass of A's indexer

        assert_gone(a, ca, story, before)
        for who in ("member", "other-partner"):
            assert ca.get(f"/media/{story.photo}", headers=people_a[who]).status_code == 404
            seen = ca.get(f"/api/v1/artifacts/{story.id}", headers=people_a[who])
            assert seen.status_code == 410 and TITLE not in seen.text, who
        editors = ca.get(f"/api/v1/artifacts/{story.id}?view=draft", headers=a.headers("editor"))
        assert editors.json()["withdrawal"]["category"] == "consent"
        eventually(lambda: status(cb, on_b) == 410)
        seen_by_b = notices(b, cb, on_b)
        assert seen_by_b["withdrawal"]["category"] == "source-withdrawn"
        assert NAME not in cb.get(f"/api/v1/artifacts/{on_b}").text
        told = eventually(lambda: (s := notices(a, ca, story.id))["sites"]["sent"] == 1 and s)
        assert told["sites"]["pending"] == 0
        page = ca.get(f"/artifacts/{story.id}")
        assert "1 site that adapted this work has been notified; 0 pending." in page.text

        erased = ca.post(f"/api/v1/persons/{story.person}/erase", headers=a.headers("partner"))
        assert erased.status_code == 200 and erased.json()["shown_as"] == REMOVED
        indexer.catch_up()
        for site in (a, b):
            stored = raw_stores(site.container.settings)
            assert story.id.encode() in stored  # the stores were read
            for secret in (NAME, GUARDIAN, NAME.split()[0] + " " + NAME.split()[1]):
                assert secret.encode() not in stored, (site.url, secret)
                assert secret.encode("utf-16-le") not in stored, (site.url, secret)


def test_a_site_down_at_the_withdrawal_hides_its_adaptation_when_it_comes_back(
    tmp_path: Path, database: Database
) -> None:
    stores = {"a": database(), "b": database()}
    with site_with_indexer(tmp_path / "a", database=stores["a"]) as (a, indexer, _):
        a_port = urlsplit(a.url).port or 0
        with a.client() as ca:
            story = recorded_story(a, ca)
            indexer.catch_up()
            before = assert_everywhere(a, ca, story)
            with running_site(tmp_path / "b", database=stores["b"]) as b, b.client() as cb:
                b_port = urlsplit(b.url).port or 0
                source = f"{a.url}/api/v1/artifacts/{story.id}"
                on_b = str(adapt_remote(b, cb, source, "england")["id"])
                eventually(
                    lambda: ca.get(f"/api/v1/artifacts/{story.id}").json()["adaptations"]["count"]
                )
            # B is down: the consent is withdrawn all the same, and A's surfaces follow.
            withdraw_consents(a, ca, story)
            indexer.step()
            assert_gone(a, ca, story, before)
            eventually(
                lambda: [
                    n
                    for n in notices(a, ca, story.id)["notices"]
                    if n["kind"] == "withdrawal" and n["state"] == "pending" and n["attempts"] >= 1
                ]
            )
            assert "1 pending" in ca.get(f"/artifacts/{story.id}").text
    # Both come back on their addresses; the retry reaches B.
    with (
        running_site(tmp_path / "a", port=a_port, database=stores["a"]) as a,
        running_site(tmp_path / "b", port=b_port, database=stores["b"]) as b,
        a.client() as ca,
        b.client() as cb,
    ):
        eventually(lambda: status(cb, on_b) == 410)
        assert notices(b, cb, on_b)["withdrawal"]["category"] == "source-withdrawn"
        eventually(lambda: notices(a, ca, story.id)["sites"]["sent"] == 1)
        assert TITLE not in cb.get(f"/api/v1/artifacts/{on_b}").text
