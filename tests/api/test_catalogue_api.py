"""Frameworks, places, convenings and excursions over HTTP."""

from __future__ import annotations

from tests.conftest import Api


def test_the_three_seeded_frameworks(api: Api) -> None:
    frameworks = {f["id"]: f for f in api.client.get("/api/v1/frameworks").json()["items"]}
    assert set(frameworks) == {"principles", "conditions", "network-features"}
    assert len(frameworks["principles"]["terms"]) == 6
    conditions = frameworks["conditions"]["terms"]
    assert len([t for t in conditions if t["parent"] is None]) == 12
    assert len([t for t in conditions if t["parent"] is not None]) == 30
    assert [s["label"] for s in frameworks["conditions"]["stages"]] == [
        "Establishing",
        "Developing",
        "Operationalizing",
        "Refining",
    ]
    assert len(frameworks["network-features"]["terms"]) == 8
    culture = api.client.get("/api/v1/frameworks/conditions").json()
    children = [t["label"] for t in culture["terms"] if t["parent"] == "culture"]
    assert children == [
        "Culture of Innovation",
        "Relationships",
        "Culture of Continuous Improvement",
        "Celebrations",
    ]


def test_editors_add_a_framework_as_data(api: Api) -> None:
    framework = {
        "id": "learner-dispositions",
        "name": "Learner dispositions",
        "terms": [
            {"id": "curiosity", "label": "Curiosity"},
            {"id": "asking-questions", "label": "Asking questions", "parent": "curiosity"},
        ],
    }
    refused = api.client.put(
        "/api/v1/frameworks/learner-dispositions", json=framework, headers=api.as_("partner")
    )
    assert refused.status_code == 403
    added = api.client.put(
        "/api/v1/frameworks/learner-dispositions", json=framework, headers=api.as_("editor")
    )
    assert added.status_code == 201
    story = api.client.post(
        "/api/v1/artifacts",
        json={"kind": "story", "terms": ["learner-dispositions:asking-questions"]},
        headers=api.as_("partner"),
    )
    assert story.status_code == 201
    broken = {**framework, "terms": [{"id": "x", "label": "X", "parent": "nowhere"}]}
    bad = api.client.put(
        "/api/v1/frameworks/learner-dispositions", json=broken, headers=api.as_("editor")
    )
    assert bad.status_code == 422 and "unknown parent" in bad.json()["detail"]


def test_place_with_ancestors_and_children(api: Api) -> None:
    tucson = api.client.get("/api/v1/places/tucson").json()
    assert [p["name"] for p in tucson["ancestors"]] == ["United States", "Arizona"]
    assert [p["slug"] for p in tucson["children"]] == ["sunnyside"]
    assert tucson["lat"] == 32.22


def test_editors_manage_places(api: Api) -> None:
    place = {
        "slug": "amphi",
        "name": "Amphitheater Public Schools",
        "kind": "district",
        "parent": "tucson",
        "lat": 32.3,
        "lon": -110.98,
    }
    assert (
        api.client.post("/api/v1/places", json=place, headers=api.as_("partner")).status_code == 403
    )
    created = api.client.post("/api/v1/places", json=place, headers=api.as_("editor"))
    assert created.status_code == 201
    again = api.client.post("/api/v1/places", json=place, headers=api.as_("editor"))
    assert again.status_code == 409
    changed = api.client.patch(
        "/api/v1/places/amphi",
        json={"name": "Amphitheater USD"},
        headers=api.as_("editor", **{"If-Match": created.headers["ETag"]}),
    )
    assert changed.status_code == 200 and changed.json()["name"] == "Amphitheater USD"
    loop = api.client.patch(
        "/api/v1/places/tucson",
        json={"parent": "amphi"},
        headers=api.as_("editor", **{"If-Match": '"1"'}),
    )
    assert loop.status_code == 422 and "inside itself" in loop.json()["detail"]
    for bad in (
        {**place, "slug": "Bad Slug"},
        {**place, "slug": "x2", "kind": "planet"},
        {**place, "slug": "x3", "lat": 123.0},
        {**place, "slug": "x4", "parent": "mars"},
    ):
        response = api.client.post("/api/v1/places", json=bad, headers=api.as_("editor"))
        assert response.status_code == 422, bad


def test_convenings_and_excursions(api: Api) -> None:
    convening = api.client.get("/api/v1/convenings/tucson-2023").json()
    assert convening["starts"] == "2023-02-14"
    assert [e["slug"] for e in convening["excursions"]] == ["desert-view-voice"]
    excursion = {
        "slug": "garden-walk",
        "convening": "tucson-2023",
        "title": "Garden walk",
        "host_place": "tucson",
        "big_question": "What grows here?",
        "date": "2023-02-16",
        "leaders": [{"name": "Lee", "role": "lead-learner"}],
    }
    assert (
        api.client.post("/api/v1/excursions", json=excursion, headers=api.as_("member")).status_code
        == 403
    )
    assert (
        api.client.post("/api/v1/excursions", json=excursion, headers=api.as_("editor")).status_code
        == 201
    )
    orphan = {**excursion, "slug": "orphan", "convening": "nowhere-2099"}
    response = api.client.post("/api/v1/excursions", json=orphan, headers=api.as_("editor"))
    assert response.status_code == 422 and "convening" in response.json()["detail"]
    backwards = {
        "slug": "oops",
        "title": "Oops",
        "place": "tucson",
        "starts": "2023-02-17",
        "ends": "2023-02-14",
    }
    assert (
        api.client.post("/api/v1/convenings", json=backwards, headers=api.as_("editor")).status_code
        == 422
    )


def test_openapi_is_served(api: Api) -> None:
    spec = api.client.get("/openapi.json").json()
    assert "/api/v1/artifacts/{artifact_id}/publish" in spec["paths"]
