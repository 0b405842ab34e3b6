"""Who sees what: every artifact state x every principal x every read surface.

Each state is one artifact with a unique word in its title (``zq<state>``), its
own place (so facet counts and browsing can be checked per artifact) and one
image. ``expected`` says, from the rules alone, whether a principal may see the
artifact on a surface; every response is also checked for leaks: no word of an
artifact the principal may not see appears anywhere in it.

Cases that find a leak in code owned elsewhere are marked ``xfail(strict=True)``
with the reason, so they turn into failures the moment the leak is fixed.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from fastapi.testclient import TestClient

from domain.access import SYSTEM
from infra.bootstrap import Container, build, seed_frameworks
from infra.settings import Settings
from services.api.app import create_app
from tests import media_samples
from tests.api.test_syndication import catch_up
from tests.conftest import READY_STORY, seed_places
from tests.media_samples import sha

STATES = (
    "draft",
    "submitted",
    "members",
    "public",
    "withdrawn",
    "withdrawnmembers",
    "republished",
    "adaptation",
)
PRINCIPALS = ("anonymous", "member", "other-partner", "partner", "editor")
SURFACES = (
    "api",
    "api-draft",
    "history",
    "search",
    "facets",
    "browse",
    "list",
    "web",
    "web-search",
    "oai",
    "oai-list",
    "atom",
    "json-feed",
    "changes",
    "jsonld",
    "package",
    "lineage",
    "media",
    "thumbnail",
)
UNPUBLISHED = "zqunpublishedchange"  # only in the republished artifact's working draft
OWNERS = ("partner", "editor")  # the owner partner and editors see working drafts
MEMBERS = ("member", "other-partner", "partner", "editor")
PUBLIC = ("public", "republished", "adaptation")
PER_ARTIFACT = ("api", "api-draft", "history", "web", "oai", "jsonld", "lineage")


def readable(state: str, who: str) -> bool:
    """May ``who`` read the published version of ``state``?"""
    return state in PUBLIC or (state == "members" and who in MEMBERS)


def expected(state: str, who: str, surface: str) -> bool:
    """Does ``who`` see the artifact (its word) on ``surface``?"""
    if surface == "api-draft":
        return who in OWNERS
    if surface in ("media", "thumbnail"):
        return readable(state, who) or who in OWNERS
    if surface in ("oai", "oai-list", "atom", "json-feed", "changes", "jsonld", "package"):
        return state in PUBLIC  # syndication is public only, whoever asks
    return readable(state, who)


def forbidden_words(state: str, who: str, surface: str) -> set[str]:
    """Words of this state's artifact that must appear nowhere in what ``who`` gets."""
    words = set()
    if not expected_on(state, who, surface):
        words.add(f"zq{state}")
    if state == "republished" and who not in OWNERS:
        words.add(UNPUBLISHED)
    if state == "withdrawnmembers" and who not in MEMBERS:
        words.add(f"zqreason{state}")
    if surface in PER_ARTIFACT:  # nor words of other artifacts ``who`` may not read
        words |= {f"zq{other}" for other in STATES if not _may_know(other, who)} - {f"zq{state}"}
    return words


def _may_know(state: str, who: str) -> bool:
    return readable(state, who) or who in OWNERS


# Leaks found in code this test's author does not own: (state, who, surface) -> reason.
KNOWN_LEAKS: dict[tuple[str, str, str], str] = {}


@dataclass
class Site:
    container: Container
    client: TestClient
    headers: dict[str, dict[str, str]]
    web: dict[str, TestClient]
    ids: dict[str, str] = field(default_factory=dict)
    media: dict[str, str] = field(default_factory=dict)
    oai_host: str = "localhost"


def _call(
    site: Site,
    method: str,
    url: str,
    who: str = "editor",
    extra: dict[str, str] | None = None,
    **kwargs: Any,
) -> Any:
    headers = {**site.headers[who], **(extra or {})}
    response = site.client.request(method, url, headers=headers, **kwargs)
    assert response.status_code < 300, f"{method} {url}: {response.status_code} {response.text}"
    return response


def _register_place(site: Site, state: str) -> None:
    site.container.archive.catalogue.register_place(
        SYSTEM,
        {
            "slug": f"place-{state}",
            "name": f"Place of {state}",
            "kind": "city",
            "parent": None,
            "lat": None,
            "lon": None,
            "identifiers": {},
        },
    )


def _draft(site: Site, state: str) -> tuple[str, str]:
    _register_place(site, state)
    content = {
        **READY_STORY,
        "kind": "story",
        "title": f"Matrix {state} zq{state}",
        "place": f"place-{state}",
        "visibility": "members" if state in ("members", "withdrawnmembers") else "public",
    }
    created = _call(site, "POST", "/api/v1/artifacts", "partner", json=content)
    return created.json()["id"], _with_image(site, created.json()["id"], state)


def _with_image(site: Site, artifact_id: str, state: str) -> str:
    data = media_samples.png(1600, 900)
    declared = _call(
        site,
        "POST",
        f"/api/v1/artifacts/{artifact_id}/media",
        "partner",
        json={
            "filename": f"{state}.png",
            "content_type": "image/png",
            "size": len(data),
            "sha256": sha(data),
            "alt": "A chart",
        },
    ).json()
    upload = declared["upload"]
    site.client.put(upload["url"], content=data, headers={**site.headers["partner"]})
    done = _call(site, "POST", f"/api/v1/media/{declared['media_id']}/complete", "partner")
    site.media[state] = declared["media_id"]
    return str(done.headers["ETag"])


def _publish(site: Site, artifact_id: str, etag: str) -> str:
    url = f"/api/v1/artifacts/{artifact_id}/publish"
    return str(_call(site, "POST", url, extra={"If-Match": etag}).headers["ETag"])


def _build_states(site: Site) -> None:
    for state in STATES:
        if state == "adaptation":
            continue
        artifact_id, etag = _draft(site, state)
        site.ids[state] = artifact_id
        if state == "submitted":
            url = f"/api/v1/artifacts/{artifact_id}/submit"
            _call(site, "POST", url, "partner", extra={"If-Match": etag})
        elif state != "draft":
            etag = _publish(site, artifact_id, etag)
        if state.startswith("withdrawn"):
            url = f"/api/v1/artifacts/{artifact_id}/withdraw"
            _call(site, "POST", url, json={"reason": f"Consent ended zqreason{state}"})
        if state == "republished":
            change = {"title": f"Matrix republished {UNPUBLISHED}"}
            url = f"/api/v1/artifacts/{artifact_id}"
            _call(site, "PATCH", url, "partner", json=change, extra={"If-Match": etag})
    _build_adaptation(site)


def _build_adaptation(site: Site) -> None:
    """A public adaptation (by the owner partner) of the members-only artifact."""
    _register_place(site, "adaptation")
    made = _call(
        site,
        "POST",
        "/api/v1/adaptations",
        "partner",
        json={"source": {"artifact_id": site.ids["members"]}, "place": "place-adaptation"},
    )
    artifact_id = made.json()["id"]
    site.ids["adaptation"] = artifact_id
    _call(
        site,
        "PATCH",
        f"/api/v1/artifacts/{artifact_id}",
        "partner",
        json={
            "title": "Matrix adaptation zqadaptation",
            "adaptation_note": "Moved to another place.",
            "visibility": "public",
        },
        extra={"If-Match": made.headers["ETag"]},
    )
    _publish(site, artifact_id, _with_image(site, artifact_id, "adaptation"))


DATABASES = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


@pytest.fixture(scope="module", params=DATABASES)
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    folder: Path = tmp_path_factory.mktemp("matrix")
    # Rate limits off: hundreds of reads from one test client are not what is tested here.
    settings = Settings(data_dir=folder / "data", load_demo=False, rate_limits_enabled=False)
    with _database(request, settings) as chosen:
        yield from _site(chosen)


@contextmanager
def _database(request: pytest.FixtureRequest, settings: Settings) -> Iterator[Settings]:
    """SQLite, or a schema of its own on the test PostgreSQL server (skipped without one)."""
    if request.param == "sqlite":
        yield settings
        return
    import psycopg

    url = request.getfixturevalue("postgres_url")
    schema = f"cp_matrix_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield settings.model_copy(update={"database_url": url, "database_schema": schema})
    finally:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")


def _site(settings: Settings) -> Iterator[Site]:
    container = build(settings)
    seed_frameworks(container.archive)
    seed_places(container.archive)
    app = create_app(container=container)
    headers: dict[str, dict[str, str]] = {"anonymous": {}}
    tokens: dict[str, str] = {}
    for who, role in (
        ("member", "member"),
        ("partner", "partner"),
        ("other-partner", "partner"),
        ("editor", "editor"),
    ):
        tokens[who] = container.archive.tokens.issue(role, f"Matrix {who}")[0]
        headers[who] = {"Authorization": f"Bearer {tokens[who]}"}
    with TestClient(app, raise_server_exceptions=False) as client:
        web = {who: _web_client(app, tokens.get(who)) for who in PRINCIPALS}
        built = Site(container, client, headers, web)
        built.oai_host = urlsplit(container.settings.base_url).hostname or "localhost"
        _build_states(built)
        catch_up(container)
        yield built
    container.close()


def _web_client(app: Any, token: str | None) -> TestClient:
    from tests.web.conftest import csrf_of

    client = TestClient(app, base_url="https://testserver", raise_server_exceptions=False)
    if token is not None:
        form = csrf_of(client.get("/signin").text)
        answer = client.post(
            "/signin", data={"token": token, "csrf": form}, follow_redirects=False
        )
        assert answer.status_code == 303, answer.text
    return client


# -- looking ------------------------------------------------------------------------


@dataclass
class Seen:
    status: int
    text: str
    seen: bool


def _get(site: Site, who: str, url: str, *, web: bool = False) -> Any:
    if web:
        return site.web[who].get(url, follow_redirects=False)
    return site.client.get(url, headers=site.headers[who], follow_redirects=False)


def look(site: Site, state: str, who: str, surface: str) -> Seen:
    artifact_id, word = site.ids[state], f"zq{state}"
    api = f"/api/v1/artifacts/{artifact_id}"
    if surface in ("api", "api-draft", "history", "jsonld", "package", "lineage"):
        url = {
            "api": api,
            "api-draft": f"{api}?view=draft",
            "history": f"{api}/history",
            "jsonld": f"{api}/jsonld",
            "package": f"{api}/package",
            "lineage": f"{api}/lineage",
        }[surface]
        response = _get(site, who, url)
        text = "" if surface == "package" else response.text
        return Seen(response.status_code, text, response.status_code == 200)
    if surface in ("media", "thumbnail"):
        suffix = "/320" if surface == "thumbnail" else ""
        response = _get(site, who, f"/media/{site.media[state]}{suffix}")
        return Seen(response.status_code, "", response.status_code == 200)
    if surface == "web":
        response = _get(site, who, f"/artifacts/{artifact_id}", web=True)
        return Seen(response.status_code, response.text, response.status_code == 200)
    url, web = {
        "search": (f"/api/v1/search?q={word}", False),
        "facets": ("/api/v1/search?per_page=1", False),
        "browse": (f"/api/v1/browse/places/place-{state}", False),
        "list": ("/api/v1/artifacts?limit=100", False),
        "web-search": ("/search?q=Matrix", True),  # the page repeats the query
        "oai": (
            f"/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:{site.oai_host}:{artifact_id}",
            False,
        ),
        "oai-list": ("/oai?verb=ListRecords&metadataPrefix=oai_dc", False),
        "atom": ("/feeds/atom", False),
        "json-feed": ("/feeds/json", False),
        "changes": ("/api/v1/changes?limit=1000", False),
    }[surface]
    response = _get(site, who, url, web=web)
    text = response.text
    if surface == "facets":
        places = {p["place"]: p["count"] for p in response.json()["facets"]["places"]}
        return Seen(response.status_code, text, places.get(f"place-{state}", 0) > 0)
    if surface in ("list", "changes", "browse", "web-search"):
        return Seen(response.status_code, text, artifact_id in text)
    return Seen(response.status_code, text, word in re.findall(r"\bzq\w+", text))


def expected_on(state: str, who: str, surface: str) -> bool:
    """``expected`` with the surfaces that show a little more by design."""
    if surface == "list" and who in OWNERS and state not in ("members", *PUBLIC):
        return True  # the owner's and editors' list holds their drafts and withdrawn work
    if surface == "history" and state.startswith("withdrawn"):
        return who in MEMBERS  # members may read why it was withdrawn
    if surface in ("changes", "oai-list") and state == "withdrawn":
        return surface == "changes"  # the feed keeps "published" then "withdrawn" rows
    return expected(state, who, surface)


def _cases() -> Iterator[Any]:
    for state in STATES:
        for who in PRINCIPALS:
            for surface in SURFACES:
                reason = KNOWN_LEAKS.get((state, who, surface))
                marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
                yield pytest.param(state, who, surface, marks=marks, id=f"{state}-{who}-{surface}")


@pytest.mark.parametrize(("state", "who", "surface"), list(_cases()))
def test_visibility(site: Site, state: str, who: str, surface: str) -> None:
    result = look(site, state, who, surface)
    assert result.status < 500, result.text
    assert result.seen == expected_on(state, who, surface), (
        f"{who} {'sees' if result.seen else 'does not see'} the {state} artifact on {surface}"
    )
    found = set(re.findall(r"\bzq\w+", result.text))
    leaked = forbidden_words(state, who, surface) & found
    assert not leaked, f"{surface} shows {who} {sorted(leaked)}"
    if state in ("withdrawnmembers", "draft", "submitted") and who == "anonymous":
        assert result.status in (200, 404), "no 410, 401 or 403 confirms it exists"
