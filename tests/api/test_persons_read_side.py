"""Persons on the read side: every surface shows a listed person by their credited name,
follows a change of name, credit or an erasure without a reindex, and an erased
person's name is left in no store."""

from __future__ import annotations

import io
import zipfile
from typing import Any

from infra.bootstrap import Container
from infra.settings import Settings
from tests.api.test_people_api import give, raw_stores, recorded
from tests.api.test_syndication import catch_up, create, publish
from tests.conftest import Api

NAME = "Oriana Castelbarco"
INITIALS = "O. C."
REMOVED = "a person who asked to be removed"
UNNAMED = "a contributor who asked not to be named"


def person(api: Api, credit: str = "full-name") -> str:
    """An adult who consents to their story being adapted by other sites."""
    found = recorded(api, name=NAME, credit=credit, minor=False, guardian_contact=None)
    consent = give(api, found["id"], given_by="person", scope="adaptable")
    assert consent.status_code == 201, consent.text
    return str(found["id"])


def story_with(api: Api, story: dict[str, Any], person_id: str, **fields: Any) -> str:
    persons = [{"person_id": person_id, "role": "presenter"}]
    artifact_id, etag = create(api, {**story, "persons": persons, **fields})
    assert etag, artifact_id
    publish(api, artifact_id, etag)
    return artifact_id


def host(container: Container) -> str:
    return container.records.base.split("//", 1)[1].split(":")[0]


def surfaces(api: Api, container: Container, artifact_id: str) -> dict[str, str]:
    """What each public surface answers about the artifact, as text."""
    oai = f"identifier=oai:{host(container)}:{artifact_id}"
    found = {
        "search": api.client.get("/api/v1/search", params={"q": "morning"}).text,
        "atom": api.client.get("/feeds/atom").text,
        "json feed": api.client.get("/feeds/json").text,
        "oai_dc": api.client.get(f"/oai?verb=GetRecord&metadataPrefix=oai_dc&{oai}").text,
        "commonplace": api.client.get(f"/oai?verb=GetRecord&metadataPrefix=commonplace&{oai}").text,
        "jsonld": api.client.get(f"/api/v1/artifacts/{artifact_id}/jsonld").text,
    }
    package = api.client.get(f"/api/v1/artifacts/{artifact_id}/package")
    assert package.status_code == 200, package.text
    with zipfile.ZipFile(io.BytesIO(package.content)) as bag:
        found["package"] = "".join(
            bag.read(name).decode("utf-8", "replace")
            for name in bag.namelist()
            if name.endswith((".txt", ".json", ".jsonld", ".md", ".html"))
        )
    return found


def shown_everywhere(found: dict[str, str], shown: str, hidden: str) -> None:
    for surface, text in found.items():
        assert shown in text, surface
        assert hidden not in text, surface


def test_a_person_is_credited_on_every_surface_and_follows_a_change_of_credit(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    person_id = person(api)
    artifact_id = story_with(api, ready_story, person_id, summary="A morning walk.")
    catch_up(container)

    shown_everywhere(surfaces(api, container, artifact_id), NAME, REMOVED)
    hit = api.client.get("/api/v1/search", params={"q": "morning"}).json()["hits"][0]
    assert {"name": NAME, "role": "presenter"}.items() <= hit["persons"][0].items()
    jsonld = api.client.get(f"/api/v1/artifacts/{artifact_id}/jsonld").json()
    assert {"@type": "Person", "name": NAME} in [
        {k: a.get(k) for k in ("@type", "name")} for a in jsonld["author"]
    ]

    chosen = api.client.patch(
        f"/api/v1/persons/{person_id}",
        json={"credit": "initials"},
        headers=api.as_("partner", **{"If-Match": '"2"'}),
    )
    assert chosen.status_code == 200, chosen.text
    catch_up(container)  # no reindex: the credit change derives the documents again
    shown_everywhere(surfaces(api, container, artifact_id), INITIALS, NAME)


def test_an_anonymous_person_is_named_by_the_phrase_only(
    api: Api, container: Container, settings: Settings, ready_story: dict[str, Any]
) -> None:
    person_id = person(api, credit="anonymous")
    artifact_id = story_with(api, ready_story, person_id, summary="A morning walk.")
    catch_up(container)
    shown_everywhere(surfaces(api, container, artifact_id), UNNAMED, NAME)
    stored = raw_stores(settings)  # their name was never written anywhere in clear
    assert artifact_id.encode() in stored and NAME.encode() not in stored


def test_an_erased_person_is_removed_from_every_surface_and_every_store(
    api: Api, container: Container, settings: Settings, ready_story: dict[str, Any]
) -> None:
    person_id = person(api)
    artifact_id = story_with(api, ready_story, person_id, summary="A morning walk.")
    catch_up(container)
    assert NAME in surfaces(api, container, artifact_id)["search"]

    erased = api.client.post(f"/api/v1/persons/{person_id}/erase", headers=api.as_("partner"))
    assert erased.status_code == 200, erased.text
    catch_up(container)

    shown_everywhere(surfaces(api, container, artifact_id), REMOVED, NAME)
    stored = raw_stores(settings)
    assert artifact_id.encode() in stored  # the stores were read
    assert NAME.encode() not in stored
    assert NAME.encode("utf-16-le") not in stored


def test_a_work_not_yet_projected_credits_its_persons_from_the_archive(
    api: Api, ready_story: dict[str, Any]
) -> None:
    person_id = person(api, credit="initials")
    artifact_id = story_with(api, ready_story, person_id)
    jsonld = api.client.get(f"/api/v1/artifacts/{artifact_id}/jsonld")  # no indexer ran
    assert jsonld.status_code == 200, jsonld.text
    assert INITIALS in jsonld.text and NAME not in jsonld.text
