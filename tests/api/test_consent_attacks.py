"""Trying to learn a withdrawn or members-only work, or the people in it, from every
read surface: as an anonymous reader, a member and a partner who is not its
contributor. Nothing names the work's title or its person, nothing answers 500.

The work is withdrawn by the consent enforcement itself (the indexer's consent
view), and a second work is published for members only.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pytest

from infra.bootstrap import Container, build_indexer
from tests import media_samples
from tests.api.test_media_api import attach, draft
from tests.api.test_people_api import give, recorded
from tests.conftest import Api

WITHDRAWN = "Xochimilco canal mornings"
MEMBERS = "Ixtapaluca rooftop garden"
NARROWED = "Tlalnepantla orchard walk"
NAME = "Yaretzi Quintanilla Ochoa"
WHO = ("anonymous", "member", "other-partner")


def story(api: Api, artifact_id: str, person: str) -> dict[str, Any]:
    """Lists the child as pictured, attaches the photo and publishes."""
    photo = attach(api, artifact_id, media_samples.png(), "image/png", alt="Garden")
    listed = api.client.patch(
        f"/api/v1/artifacts/{artifact_id}",
        json={"persons": [{"person_id": person, "role": "pictured"}]},
        headers=api.as_("partner", **{"If-Match": photo["etag"]}),
    )
    assert listed.status_code == 200, listed.text
    done = api.client.post(
        f"/api/v1/artifacts/{artifact_id}/publish",
        headers=api.as_("editor", **{"If-Match": listed.headers["ETag"]}),
    )
    assert done.status_code == 200, done.text
    variants = next(m for m in done.json()["media"] if m["id"] == photo["media_id"])["variants"]
    return {"id": artifact_id, "media": photo["media_id"], "variants": list(variants)}


def consent_for(api: Api, person: str, artifact: str, scope: str) -> str:
    given = give(api, person, artifact_id=artifact, scope=scope)
    assert given.status_code == 201, given.text
    return str(given.json()["id"])


@pytest.fixture
def works(api: Api, container: Container, ready_story: dict[str, Any]) -> dict[str, Any]:
    """A work withdrawn and one narrowed to members by the consent enforcement, and one
    published for members only, all showing the same child."""
    person = recorded(api, name=NAME, credit="full-name")["id"]
    found: dict[str, Any] = {"person": person}
    ended = []
    for key, title, scope, visibility in (
        ("gone", WITHDRAWN, "adaptable", "public"),
        ("narrowed", NARROWED, "adaptable", "public"),
        ("members", MEMBERS, "members", "members"),
    ):
        created = draft(api, {**ready_story, "title": title, "visibility": visibility})
        consent = consent_for(api, person, created["id"], scope)
        if key == "narrowed":
            consent_for(api, person, created["id"], "members")
        if key != "members":
            ended.append(consent)
        found[key] = story(api, created["id"], person)
    indexer = build_indexer(container)
    try:
        indexer.catch_up()
        for consent in ended:
            answer = api.client.post(
                f"/api/v1/consents/{consent}/withdraw", headers=api.as_("partner")
            )
            assert answer.status_code == 200, answer.text
        indexer.step()
    finally:
        indexer.close()
    for key in ("gone", "narrowed"):
        state = api.client.get(
            f"/api/v1/artifacts/{found[key]['id']}?view=draft", headers=api.as_("editor")
        )
        found[f"{key} state"] = state.json()
    return found


def paths(work: dict[str, Any], host: str) -> list[str]:
    artifact_id, media = work["id"], work["media"]
    oai = f"oai:{host}:{artifact_id}"
    found = [
        f"/api/v1/artifacts/{artifact_id}",
        f"/api/v1/artifacts/{artifact_id}?view=draft",
        f"/api/v1/artifacts/{artifact_id}/jsonld",
        f"/api/v1/artifacts/{artifact_id}/package",
        f"/api/v1/artifacts/{artifact_id}/lineage",
        f"/api/v1/artifacts/{artifact_id}/history",
        f"/api/v1/artifacts/{artifact_id}/diff?from=1&to=2",
        f"/api/v1/artifacts/{artifact_id}/conversation",
        f"/api/v1/artifacts/{artifact_id}/notices",
        f"/api/v1/consents?artifact_id={artifact_id}",
        "/api/v1/artifacts?status=published",
        "/api/v1/artifacts?status=withdrawn",
        "/api/v1/search?q=Xochimilco+Ixtapaluca",
        "/api/v1/search?q=Yaretzi",
        "/api/v1/search?place=desert-view",
        "/api/v1/browse/places/desert-view",
        "/api/v1/browse/terms/principles/lead-with-learning",
        "/api/v1/changes?limit=1000",
        "/feeds/atom",
        "/feeds/json",
        f"/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier={oai}",
        f"/oai?verb=GetRecord&metadataPrefix=commonplace&identifier={oai}",
        "/oai?verb=ListRecords&metadataPrefix=oai_dc",
        "/oai?verb=ListIdentifiers&metadataPrefix=oai_dc",
        "/oai?verb=ListSets",
        f"/artifacts/{artifact_id}",
        f"/artifacts/{artifact_id}/history",
        f"/artifacts/{artifact_id}/diff",
        f"/drafts/{artifact_id}",
        f"/drafts/{artifact_id}/people",
        "/search?q=Xochimilco",
        "/places/desert-view",
        "/terms/principles/lead-with-learning",
        "/map",
        f"/media/{media}",
    ]
    found += [f"/media/{media}/{variant}" for variant in work["variants"]]
    return found


def readable(answer: Any) -> str:
    text = answer.text
    if answer.headers.get("content-type", "").startswith(("application/zip", "application/octet")):
        with zipfile.ZipFile(io.BytesIO(answer.content)) as bag:
            text = "".join(bag.read(n).decode("utf-8", "replace") for n in bag.namelist())
    return str(text)


def test_nothing_tells_readers_about_the_withdrawn_or_members_work(
    api: Api, container: Container, works: dict[str, Any]
) -> None:
    assert works["gone state"]["status"] == "withdrawn"
    assert works["gone state"]["withdrawal"]["category"] == "consent"
    assert works["narrowed state"]["status"] == "published"
    assert works["narrowed state"]["visibility"] == "members"
    host = container.records.base.split("//", 1)[1].split(":")[0]
    members_only = [works["members"], works["narrowed"]]
    for who in WHO:
        for work in (works["gone"], *members_only):
            for path in paths(work, host):
                attempt(api, who, path, work["id"], member_may_read=work in members_only)


def attempt(api: Api, who: str, path: str, work_id: str, *, member_may_read: bool) -> None:
    answer = api.client.get(path, headers=api.as_(who), follow_redirects=False)
    assert answer.status_code < 500, (who, path, answer.text[:300])
    text = readable(answer)
    assert WITHDRAWN not in text, (who, path)
    syndicated = path.startswith(("/oai", "/feeds/", "/api/v1/changes"))
    member = who != "anonymous"  # partners are members too
    if not member or syndicated:
        for secret in (MEMBERS, NARROWED, NAME):
            assert secret not in text, (who, path, secret)
    if member and member_may_read:
        return
    if not member or work_id in path:  # listings show members the members' works
        assert NAME not in text, (who, path)
    if path.startswith("/media/"):
        assert answer.status_code == 404 and "location" not in answer.headers, (who, path)
        head = api.client.head(path, headers=api.as_(who), follow_redirects=False)
        assert head.status_code == 404, (who, path)


def test_a_member_sees_the_members_work_by_credited_name_only(
    api: Api, works: dict[str, Any]
) -> None:
    seen = api.client.get(f"/api/v1/artifacts/{works['members']['id']}", headers=api.as_("member"))
    assert seen.status_code == 200, seen.text
    assert works["person"] not in seen.text  # no person id for a reader
    for listed in seen.json()["persons"]:
        assert set(listed) == {"role", "name"}


def test_the_people_and_consents_apis_tell_outsiders_nothing(
    api: Api, works: dict[str, Any]
) -> None:
    person = works["person"]
    for who, status in (("anonymous", 401), ("member", 403)):
        for path in (
            f"/api/v1/persons/{person}",
            "/api/v1/persons",
            f"/api/v1/consents?person_id={person}",
        ):
            answer = api.client.get(path, headers=api.as_(who))
            assert answer.status_code == status, (who, path)
            assert answer.headers["content-type"] == "application/problem+json"
            assert NAME not in answer.text

    # Another partner sees the name as credited (full name here), but not that it is a child.
    other = api.client.get(f"/api/v1/persons/{person}", headers=api.as_("other-partner"))
    assert other.status_code == 200, other.text
    assert other.json()["shown_as"] == NAME
    assert not {"name", "guardian_contact", "minor", "minor_until"} & set(other.json())
    consents = api.client.get(
        "/api/v1/consents", params={"person_id": person}, headers=api.as_("other-partner")
    )
    assert consents.status_code in (200, 403, 404) and NAME not in consents.text
    if consents.status_code == 200:
        assert consents.json() == []


def test_an_oai_resumption_token_from_before_the_withdrawal_shows_only_a_deleted_header(
    api: Api, container: Container, ready_story: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    person = recorded(api, name=NAME, credit="full-name")["id"]
    works = []
    for n in range(3):
        created = draft(api, {**ready_story, "title": f"{WITHDRAWN} {n}"})
        consent = consent_for(api, person, created["id"], "adaptable")
        works.append((story(api, created["id"], person)["id"], consent))
    indexer = build_indexer(container)
    monkeypatch.setattr(container.oai, "page_size", 1)
    try:
        indexer.catch_up()
        first = api.client.get("/oai", params={"verb": "ListRecords", "metadataPrefix": "oai_dc"})
        assert first.status_code == 200 and f"{WITHDRAWN} 0" in first.text
        token = first.text.split("<resumptionToken", 1)[1].split(">", 1)[1].split("<", 1)[0]
        assert token
        for _, consent in works:  # every consent ends; the harvester comes back later
            ended = api.client.post(
                f"/api/v1/consents/{consent}/withdraw", headers=api.as_("partner")
            )
            assert ended.status_code == 200, ended.text
        indexer.step()
    finally:
        indexer.close()
    harvested = ""
    while token:
        page = api.client.get("/oai", params={"verb": "ListRecords", "resumptionToken": token})
        assert page.status_code == 200, page.text
        harvested += page.text
        token = (
            page.text.split("<resumptionToken", 1)[1].split(">", 1)[1].split("<", 1)[0]
            if "<resumptionToken" in page.text
            else ""
        )
    assert WITHDRAWN not in harvested and NAME not in harvested
    for artifact_id, _ in works[1:]:
        assert artifact_id in harvested  # as a deleted header
    assert harvested.count('status="deleted"') >= 2
