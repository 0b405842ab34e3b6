"""Hostile input: characters no feed can carry, client mistakes that must not be 500s,
and withdrawn members-only artifacts that must not be confirmed to strangers."""

from __future__ import annotations

import io
import json
import zipfile
from typing import Any
from uuid import UUID

import bagit
import pytest
from lxml import etree

from domain.access import SYSTEM
from domain.artifact import Artifact
from infra.bootstrap import Container
from tests.api.test_syndication import catch_up, create, published
from tests.conftest import Api

PROBLEM = "application/problem+json"


@pytest.mark.parametrize("char", ["\u000b", "\u0000", "\x01", "\x7f", "\ud800", "\ufffe"])
@pytest.mark.parametrize("field", ["title", "summary", "body", "place"])
def test_text_with_a_control_character_is_refused_naming_the_field(
    api: Api, ready_story: dict[str, Any], field: str, char: str
) -> None:
    content = {**ready_story, field: f"Morning{char}circles"}
    # json.dumps writes a lone surrogate as the escape "\ud800", as a hostile client would
    body = json.dumps({"kind": "story", **content})
    response = api.client.post(
        "/api/v1/artifacts",
        content=body,
        headers=api.as_("partner", **{"Content-Type": "application/json"}),
    )
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.json()["errors"][0]["field"] == field


def test_nested_text_and_every_body_are_checked(api: Api, ready_story: dict[str, Any]) -> None:
    contributors = [{"name": "Ms.\x01Lopez", "role": "storyteller"}]
    response = api.client.post(
        "/api/v1/artifacts",
        json={"kind": "story", **ready_story, "contributors": contributors},
        headers=api.as_("partner"),
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["field"] == "contributors.0.name"
    artifact_id, _ = published(api, ready_story)
    withdrawn = api.client.post(
        f"/api/v1/artifacts/{artifact_id}/withdraw",
        json={"reason": "consent\x0bwithdrawn"},
        headers=api.as_("editor"),
    )
    assert withdrawn.status_code == 422
    assert withdrawn.json()["errors"][0]["field"] == "reason"


def test_the_archive_refuses_control_characters_whatever_the_entry_point(
    container: Container, ready_story: dict[str, Any]
) -> None:
    from domain.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        container.archive.artifacts.create(SYSTEM, "story", {**ready_story, "title": "a\x0bb"})
    assert refused.value.extra["field"] == "title"


def test_line_separators_become_newlines(api: Api, ready_story: dict[str, Any]) -> None:
    response = api.client.post(
        "/api/v1/artifacts",
        json={"kind": "story", **ready_story, "summary": "one\u2028two"},
        headers=api.as_("partner"),
    )
    assert response.status_code == 201
    assert response.json()["summary"] == "one\ntwo"


def store_title_unchecked(container: Container, artifact_id: str, title: str) -> None:
    """Data stored before characters were checked: written with the aggregate directly."""
    archive = container.archive
    artifact = archive.load(Artifact, UUID(artifact_id))
    artifact.revise(changes={"title": title, "summary": title}, by="editor-1")
    archive.save(artifact)
    archive.artifacts.publish(SYSTEM, artifact.id, artifact.version)


@pytest.mark.parametrize("bad", ["\u000b", "\u0000", "\x01", "\u2028"])
def test_feeds_and_packages_survive_stored_control_characters(
    api: Api, container: Container, ready_story: dict[str, Any], bad: str
) -> None:
    fine, _ = published(api, {**ready_story, "title": "A fine story"})
    broken, _ = published(api, ready_story)
    store_title_unchecked(container, broken, f"Broken{bad}title")
    catch_up(container)

    atom = api.client.get("/feeds/atom")
    assert atom.status_code == 200
    titles = etree.fromstring(atom.content).findall(".//{http://www.w3.org/2005/Atom}title")
    expected = f"Broken{bad}title" if bad == "\u2028" else "Brokentitle"  # XML-legal or dropped
    assert {"A fine story", expected} <= {t.text for t in titles}
    assert api.client.get("/feeds/json").status_code == 200
    harvest = api.client.get("/oai?verb=ListRecords&metadataPrefix=oai_dc")
    assert harvest.status_code == 200
    etree.fromstring(harvest.content)  # well-formed XML

    package = api.client.get(f"/api/v1/artifacts/{broken}/package")
    assert package.status_code == 200, package.text
    with zipfile.ZipFile(io.BytesIO(package.content)) as zipped:
        info = zipped.read(f"commonplace-{broken}/bag-info.txt").decode()
    assert "Broken" in info and bad not in info
    assert api.client.get(f"/api/v1/artifacts/{fine}/package").status_code == 200


def test_a_package_is_a_valid_bag_even_with_a_multi_line_summary(
    api: Api, container: Container, ready_story: dict[str, Any], tmp_path: Any
) -> None:
    artifact_id, _ = published(api, {**ready_story, "summary": "Line one\nline two\u2028three"})
    package = api.client.get(f"/api/v1/artifacts/{artifact_id}/package")
    assert package.status_code == 200
    with zipfile.ZipFile(io.BytesIO(package.content)) as zipped:
        zipped.extractall(tmp_path)
    bag = bagit.Bag(str(tmp_path / f"commonplace-{artifact_id}"))
    assert bag.is_valid()
    assert bag.info["External-Description"] == "Line one line two three"


# -- client mistakes are never 500s ----------------------------------------------------


def test_a_source_that_is_not_an_artifact_id_is_422(api: Api) -> None:
    response = api.client.post(
        "/api/v1/adaptations",
        json={"source": {"artifact_id": "x"}, "place": "tucson"},
        headers=api.as_("partner"),
    )
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["field"] == "source.artifact_id"


def test_deeply_nested_json_is_refused_not_a_500(api: Api) -> None:
    body = "[" * 100_000 + "]" * 100_000
    response = api.client.post(
        "/api/v1/artifacts",
        content=body,
        headers=api.as_("partner", **{"Content-Type": "application/json"}),
    )
    assert 400 <= response.status_code < 500, response.status_code
    assert response.headers["content-type"] == PROBLEM


def test_a_chunked_body_over_the_limit_is_413(api: Api) -> None:
    def chunks() -> Any:
        for _ in range(3):
            yield b"x" * (600 * 1024)

    response = api.client.post(
        "/api/v1/artifacts",
        content=chunks(),
        headers=api.as_("partner", **{"Content-Type": "application/json"}),
    )
    assert "content-length" not in {k.lower() for k in response.request.headers}
    assert response.status_code == 413, response.text
    assert response.headers["content-type"] == PROBLEM


def test_a_version_conflict_from_the_store_is_409(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    """Two requests that loaded the same version both try to write the next one."""
    artifact_id, _ = create(api, ready_story)
    archive = container.archive
    first = archive.load(Artifact, UUID(artifact_id))
    second = archive.load(Artifact, UUID(artifact_id))
    first.revise(changes={"summary": "first"}, by="partner-1")
    second.revise(changes={"summary": "second"}, by="partner-1")
    archive.store.save(first)
    from domain.errors import ConcurrentWrite

    with pytest.raises(ConcurrentWrite):
        archive.store.save(second)


def test_concurrent_completes_of_one_upload_are_never_500(
    api: Api, ready_story: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The race is made certain: each complete sees the upload as not yet completed."""
    from concurrent.futures import ThreadPoolExecutor

    from tests import media_samples
    from tests.api.test_media_api import declare, draft, send

    story = draft(api, ready_story)
    data = media_samples.pdf()
    declared = declare(api, story["id"], data, "application/pdf").json()
    assert send(api, declared, data).status_code == 204
    archive = api.archive
    original = archive.media.upload_for
    loaded = {}

    def upload_for(principal: Any, media_id: Any) -> Any:
        upload = loaded.setdefault(str(media_id), original(principal, media_id))
        return archive.load(type(upload), upload.id, version=upload.version)

    monkeypatch.setattr(archive.media, "upload_for", upload_for)

    def complete() -> int:
        url = f"/api/v1/media/{declared['media_id']}/complete"
        return api.client.post(url, headers=api.as_("partner")).status_code

    with ThreadPoolExecutor(4) as pool:
        statuses = list(pool.map(lambda _: complete(), range(4)))
    assert 500 not in statuses, statuses
    assert statuses.count(200) == 1, statuses
    assert set(statuses) <= {200, 409, 422}, statuses


# -- withdrawn members-only artifacts ---------------------------------------------------


def withdrawn_members_only(api: Api, ready_story: dict[str, Any]) -> str:
    artifact_id, _ = published(api, {**ready_story, "visibility": "members"})
    response = api.client.post(
        f"/api/v1/artifacts/{artifact_id}/withdraw",
        json={"reason": "Consent withdrawn by Ms. Lopez"},
        headers=api.as_("editor"),
    )
    assert response.status_code == 200
    return artifact_id


@pytest.mark.parametrize(
    "path",
    ["", "/jsonld", "/package", "/history", "/lineage"],
)
def test_withdrawn_members_only_is_404_to_the_public(
    api: Api, container: Container, ready_story: dict[str, Any], path: str
) -> None:
    artifact_id = withdrawn_members_only(api, ready_story)
    catch_up(container)
    response = api.client.get(f"/api/v1/artifacts/{artifact_id}{path}")
    assert response.status_code == 404, response.text
    assert "Consent" not in response.text
    member = api.client.get(f"/api/v1/artifacts/{artifact_id}", headers=api.as_("member"))
    assert member.status_code == 410 and "Consent" in member.text


def test_withdrawn_public_artifact_still_says_410_with_its_reason(
    api: Api, ready_story: dict[str, Any]
) -> None:
    artifact_id, _ = published(api, ready_story)
    api.client.post(
        f"/api/v1/artifacts/{artifact_id}/withdraw",
        json={"reason": "Consent withdrawn"},
        headers=api.as_("editor"),
    )
    for path in ("", "/jsonld", "/package"):
        response = api.client.get(f"/api/v1/artifacts/{artifact_id}{path}")
        assert response.status_code == 410, path
        assert "Consent withdrawn" in response.text



def test_withdrawal_reasons_and_media_descriptions_are_checked_in_the_archive(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    """Entry points that do not pass through a request schema (the web forms)."""
    from domain.errors import InvalidInput
    from tests import media_samples
    from tests.api.test_media_api import attach, draft

    story = draft(api, ready_story)
    photo = attach(api, story["id"], media_samples.png(), "image/png", alt="A chart")
    archive = container.archive
    version = int(photo["etag"].strip('W/"'))
    with pytest.raises(InvalidInput) as refused:
        archive.media.describe_media(
            SYSTEM, UUID(story["id"]), version, photo["media_id"], {"alt": "a\x01b"}
        )
    assert refused.value.extra["field"] == "alt"
    artifact_id, _ = published(api, ready_story)
    with pytest.raises(InvalidInput) as refused:
        archive.artifacts.withdraw(SYSTEM, UUID(artifact_id), "consent\x0bended")
    assert refused.value.extra["field"] == "reason"
