"""Lineage under attack (issue 10: defects 6, 7 and 8).

A stand-in for another site, on 127.0.0.2, serves whatever JSON-LD a test puts in
it, including forged ``isBasedOn`` claims about this site's artifacts, and one
answer it drips out a byte at a time.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from uuid import UUID

import pytest

from domain.errors import NotFound
from infra.bootstrap import Container
from infra.settings import Settings
from services.indexer.outbox import sender_for
from services.indexer.runner import Indexer
from tests.conftest import Api

STANDIN_HOST = "127.0.0.2"
SECRET = "Members only: the staff-room story"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"


class StandinSite(ThreadingHTTPServer):
    """A stand-in for another Commonplace site, serving documents put in ``docs``."""

    daemon_threads = True
    docs: dict[str, dict[str, Any]]

    @property
    def url(self) -> str:
        return f"http://{STANDIN_HOST}:{self.server_address[1]}"


class StandinHandler(BaseHTTPRequestHandler):
    server: StandinSite

    def do_GET(self) -> None:
        if self.path == "/drip":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            for _ in range(1000):
                try:
                    self.wfile.write(b" ")
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(0.1)
            return
        doc = self.server.docs.get(self.path)
        body = json.dumps(doc).encode() if doc else b"{}"
        self.send_response(200 if doc else 404)
        self.send_header("Content-Type", "application/ld+json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        return


@pytest.fixture
def standin() -> Iterator[StandinSite]:
    server = StandinSite((STANDIN_HOST, 0), StandinHandler)
    server.docs = {}
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "fetch_allow_networks": [f"{STANDIN_HOST}/32"],
            "fetch_deadline_seconds": 1.5,
            "fetch_max_concurrent": 1,
            "rate_limits_enabled": False,  # the hostile-document test makes many fetches
        }
    )


def create(api: Api, content: dict[str, Any], **publish: Any) -> str:
    created = api.client.post(
        "/api/v1/artifacts", json={"kind": "story", **content}, headers=api.as_("partner")
    )
    assert created.status_code == 201, created.text
    if publish:
        done = api.client.post(
            f"/api/v1/artifacts/{created.json()['id']}/publish",
            json=publish,
            headers=api.as_("editor", **{"If-Match": created.headers["ETag"]}),
        )
        assert done.status_code == 200, done.text
    return str(created.json()["id"])


def adapt_and_publish(api: Api, source: dict[str, Any], title: str) -> str:
    draft = api.client.post(
        "/api/v1/adaptations",
        json={"source": source, "place": "england"},
        headers=api.as_("other-partner"),
    )
    assert draft.status_code == 201, draft.text
    noted = api.client.patch(
        f"/api/v1/artifacts/{draft.json()['id']}",
        json={"adaptation_note": "Retold for England", "title": title},
        headers=api.as_("other-partner", **{"If-Match": draft.headers["ETag"]}),
    )
    done = api.client.post(
        f"/api/v1/artifacts/{draft.json()['id']}/publish",
        json={"visibility": "public"},
        headers=api.as_("editor", **{"If-Match": noted.headers["ETag"]}),
    )
    assert done.status_code == 200, done.text
    return str(draft.json()["id"])


def reports(api: Api, artifact_id: str) -> int:
    history = api.client.get(
        f"/api/v1/artifacts/{artifact_id}/history?view=draft", headers=api.as_("editor")
    ).json()
    return [h["type"] for h in history].count("AdaptationReported")


def work(url: str, based_on: dict[str, Any] | None = None) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "@type": ["CreativeWork"],
        "@id": url,
        "name": "A remote story",
        "text": "Once.",
        "license": CC_BY,
        "author": [{"name": "Someone"}],
        "educationalAlignment": [
            {"targetUrl": f"{url}/api/v1/browse/terms/{term}"}
            for term in ("principles/lead-with-learning", "conditions/culture")
        ],
    }
    if based_on:
        doc["isBasedOn"] = based_on
    return doc


# -- 7: forged lineage ------------------------------------------------------------------


def test_a_forged_isbasedon_never_writes_to_a_draft_or_members_only_artifact(
    api: Api, container: Container, ready_story: dict[str, Any], standin: StandinSite
) -> None:
    here = container.records.api_url
    draft = create(api, ready_story)
    members = create(api, ready_story, visibility="members")
    forged = f"{standin.url}/forged"
    standin.docs["/forged"] = work(
        forged,
        {
            "@id": here(draft),
            "identifier": draft,
            "isBasedOn": {
                "@id": here(members),
                "identifier": members,
                "isBasedOn": {"@id": here("not-a-uuid"), "identifier": "not-a-uuid"},
            },
        },
    )
    adaptation = adapt_and_publish(api, {"url": forged}, "Forged")  # publishing is not a 500
    sender_for(container).catch_up()
    assert reports(api, draft) == 0
    assert reports(api, members) == 0
    outbox = api.client.get("/api/v1/outbox", headers=api.as_("editor")).json()
    local = [e for e in outbox["entries"] if e["target"].startswith(container.records.base)]
    assert {e["target"] for e in local} == {here(draft), here(members), here("not-a-uuid")}
    assert all(e["state"] == "failed" and e["last_error"] for e in local)
    assert adaptation
    # An editor may send a failed notice again; it is verified again, and fails again.
    retried = api.client.post(f"/api/v1/outbox/{local[0]['id']}/retry", headers=api.as_("editor"))
    assert retried.status_code == 200 and retried.json()["state"] == "pending"
    assert (
        api.client.post(
            f"/api/v1/outbox/{local[0]['id']}/retry", headers=api.as_("editor")
        ).status_code
        == 409
    )
    assert api.client.post(f"/api/v1/outbox/{local[0]['id']}/retry").status_code == 401
    sender_for(container).catch_up()
    assert reports(api, draft) == 0 and reports(api, members) == 0


def test_a_remote_document_may_not_pass_itself_off_as_ours(
    api: Api, container: Container, ready_story: dict[str, Any], standin: StandinSite
) -> None:
    draft = create(api, ready_story)
    standin.docs["/impostor"] = work(container.records.api_url(draft))
    refused = api.client.post(
        "/api/v1/adaptations",
        json={"source": {"url": f"{standin.url}/impostor"}, "place": "england"},
        headers=api.as_("other-partner"),
    )
    assert refused.status_code == 422, refused.text
    assert refused.headers["content-type"] == "application/problem+json"


def test_notices_to_unpublished_artifacts_are_refused(
    api: Api, container: Container, ready_story: dict[str, Any], standin: StandinSite
) -> None:
    for target in (create(api, ready_story), create(api, ready_story, visibility="members")):
        standin.docs["/claim"] = work(
            f"{standin.url}/claim", {"@id": container.records.api_url(target)}
        )
        answer = api.client.post(
            f"/api/v1/artifacts/{target}/adaptation-notices",
            json={"adaptation_url": f"{standin.url}/claim"},
        )
        assert answer.status_code == 404
        assert reports(api, target) == 0


# -- 8: a members-only source stays hidden ------------------------------------------------


def test_a_members_only_source_is_hidden_from_those_who_may_not_read_it(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    source = create(api, {**ready_story, "title": SECRET}, visibility="members")
    adaptation = adapt_and_publish(api, {"artifact_id": source}, "Told again, for everyone")
    Indexer(
        container.archive,
        container.search,
        container.coordination,
        publications=container.publications,
    ).catch_up()
    sender_for(container).catch_up()
    host = container.records.base.split("//", 1)[1].split(":")[0]
    surfaces = [
        f"/api/v1/artifacts/{adaptation}",
        f"/api/v1/artifacts/{adaptation}/jsonld",
        f"/api/v1/artifacts/{adaptation}/lineage",
        f"/artifacts/{adaptation}",
        f"/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier=oai:{host}:{adaptation}",
        f"/oai?verb=GetRecord&metadataPrefix=commonplace&identifier=oai:{host}:{adaptation}",
    ]
    for path in surfaces:
        answer = api.client.get(path)
        assert answer.status_code == 200, (path, answer.text)
        assert SECRET not in answer.text, path
        assert source not in answer.text, path
    assert "isBasedOn" not in api.client.get(f"/api/v1/artifacts/{adaptation}/jsonld").json()
    # A member may read the source, and sees it in the lineage.
    as_member = api.client.get(
        f"/api/v1/artifacts/{adaptation}/lineage", headers=api.as_("member")
    ).json()
    assert SECRET in [n["title"] for n in as_member["nodes"]]


# -- 6: slow sites, and too many fetches at once ------------------------------------------


def test_a_drip_feeding_source_answers_422_in_time_and_a_busy_fetcher_503(
    api: Api, standin: StandinSite
) -> None:
    results: list[int] = []

    def slow() -> None:
        answer = api.client.post(
            "/api/v1/adaptations",
            json={"source": {"url": f"{standin.url}/drip"}, "place": "england"},
            headers=api.as_("other-partner"),
        )
        results.append(answer.status_code)

    started = time.monotonic()
    first = threading.Thread(target=slow)
    first.start()
    time.sleep(0.4)
    busy = api.client.post(
        "/api/v1/adaptations",
        json={"source": {"url": f"{standin.url}/drip"}, "place": "england"},
        headers=api.as_("other-partner"),
    )
    assert busy.status_code == 503, busy.text
    assert int(busy.headers["Retry-After"]) >= 1
    assert busy.headers["content-type"] == "application/problem+json"
    first.join()
    assert results == [422]
    assert time.monotonic() - started < 5


# -- hostile documents: never a 500 -------------------------------------------------------

ODD_VALUES: list[Any] = [7, [1, "a"], {"@id": 5}, [{"name": 3}]]
ODD_FIELDS = (
    "@id",
    "name",
    "text",
    "license",
    "author",
    "contributor",
    "keywords",
    "inLanguage",
    "spatialCoverage",
    "isBasedOn",
    "educationalAlignment",
    "learningResourceType",
)


def test_odd_remote_documents_are_refused_or_adapted_never_a_500(
    api: Api, container: Container, ready_story: dict[str, Any], standin: StandinSite
) -> None:
    origin = create(api, ready_story, visibility="public")
    sender = sender_for(container)
    for n, (field, value) in enumerate((f, v) for f in ODD_FIELDS for v in ODD_VALUES):
        path = f"/odd/{n}"
        doc = work(f"{standin.url}{path}")
        doc[field] = value
        standin.docs[path] = doc
        adapted = api.client.post(
            "/api/v1/adaptations",
            json={"source": {"url": f"{standin.url}{path}"}, "place": "england"},
            headers=api.as_("other-partner"),
        )
        assert adapted.status_code in (201, 422), (field, value, adapted.text)
        told = api.client.post(
            f"/api/v1/artifacts/{origin}/adaptation-notices",
            json={"adaptation_url": f"{standin.url}{path}"},
        )
        assert told.status_code == 202, (field, value, told.text)
        # The follower verifies it: recorded or refused with a reason, never an exception.
        sender.catch_up()
        entry = container.outbox.get(told.json()["id"])
        assert entry is not None and entry.state in ("sent", "failed"), (field, value, entry)
        assert entry.state == "sent" or (entry.last_error or "").startswith("Refused: "), entry


def test_the_archive_itself_refuses_reports_on_artifacts_not_public(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    report = {"url": "https://elsewhere.example/api/v1/artifacts/1", "based_on": "x"}
    for target in (create(api, ready_story), create(api, ready_story, visibility="members")):
        with pytest.raises(NotFound):
            container.archive.adaptations.report_adaptation(UUID(target), report)
        assert reports(api, target) == 0
    public = create(api, ready_story, visibility="public")
    assert container.archive.adaptations.report_adaptation(UUID(public), report) is True
    assert container.archive.adaptations.report_adaptation(UUID(public), report) is False
