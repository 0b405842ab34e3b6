"""The review conversation over HTTP: return with comments, answer, revise, resubmit,
publish; who may see it; and that no public surface ever shows it."""

from __future__ import annotations

from typing import Any

from infra.bootstrap import Container
from services.indexer.runner import Indexer
from tests.conftest import READY_STORY, Api

GENERAL = "Lovely start; say more about what changed for the students."
ON_TITLE = "Could the title name the school?"
ANSWER = "Added a paragraph about the second week."


def index(container: Container) -> None:
    """Every view the indexer keeps: search, publications and the inbox."""
    Indexer(
        container.archive,
        container.search,
        container.coordination,
        publications=container.publications,
        inbox=container.inbox,
    ).catch_up()


def submitted(api: Api, **changes: Any) -> tuple[str, str]:
    """A partner's story, submitted for review: (id, ETag)."""
    made = api.client.post(
        "/api/v1/artifacts",
        json={"kind": "story", **READY_STORY, **changes},
        headers=api.as_("partner"),
    )
    assert made.status_code == 201, made.text
    artifact_id = made.json()["id"]
    sent = api.client.post(
        f"/api/v1/artifacts/{artifact_id}/submit",
        headers=api.as_("partner", **{"If-Match": made.headers["ETag"]}),
    )
    assert sent.status_code == 200, sent.text
    return str(artifact_id), str(sent.headers["ETag"])


def return_it(api: Api, artifact_id: str, etag: str, **body: Any) -> Any:
    body = body or {"general": GENERAL, "fields": {"title": ON_TITLE}}
    return api.client.post(
        f"/api/v1/artifacts/{artifact_id}/return",
        json=body,
        headers=api.as_("editor", **{"If-Match": etag}),
    )


def conversation(api: Api, artifact_id: str, who: str = "partner") -> Any:
    return api.client.get(f"/api/v1/artifacts/{artifact_id}/conversation", headers=api.as_(who))


def queue(api: Api) -> list[str]:
    answer = api.client.get("/api/v1/artifacts?review=true", headers=api.as_("editor"))
    return [item["id"] for item in answer.json()["items"]]


def inbox_kinds(api: Api, who: str) -> list[str]:
    items = api.client.get("/api/v1/inbox", headers=api.as_(who)).json()["items"]
    return [item["kind"] for item in items]


def test_return_answer_revise_resubmit_publish(api: Api, container: Container) -> None:
    artifact_id, etag = submitted(api)
    assert artifact_id in queue(api)

    returned = return_it(api, artifact_id, etag)
    assert returned.status_code == 200, returned.text
    assert returned.json()["in_review"] is False
    assert artifact_id not in queue(api)

    talk = conversation(api, artifact_id).json()
    [first] = talk["returns"]
    assert [(c["field"], c["text"]) for c in first["comments"]] == [
        (None, GENERAL),
        ("title", ON_TITLE),
    ]
    title_comment = first["comments"][1]["id"]

    answered = api.client.post(
        f"/api/v1/artifacts/{artifact_id}/comments",
        json={"comment_id": title_comment, "text": "Done: it names Desert View now."},
        headers=api.as_("partner"),
    )
    assert answered.status_code == 201, answered.text
    general = api.client.post(
        f"/api/v1/artifacts/{artifact_id}/comments",
        json={"text": ANSWER},
        headers=api.as_("partner"),
    )
    assert general.status_code == 201
    [round_] = general.json()["returns"]
    assert [a["text"] for a in round_["comments"][1]["answers"]] == [
        "Done: it names Desert View now."
    ]
    assert [a["text"] for a in round_["answers"]] == [ANSWER]

    revised = api.client.patch(
        f"/api/v1/artifacts/{artifact_id}",
        json={"title": "Morning circles at Desert View High"},
        headers=api.as_("partner", **{"If-Match": general.headers["ETag"]}),
    )
    assert revised.status_code == 200, revised.text
    again = api.client.post(
        f"/api/v1/artifacts/{artifact_id}/submit",
        headers=api.as_("partner", **{"If-Match": revised.headers["ETag"]}),
    )
    assert again.status_code == 200, again.text
    assert again.json()["in_review"] is True
    assert artifact_id in queue(api)

    published = api.client.post(
        f"/api/v1/artifacts/{artifact_id}/publish",
        headers=api.as_("editor", **{"If-Match": again.headers["ETag"]}),
    )
    assert published.status_code == 200, published.text
    assert published.json()["title"] == "Morning circles at Desert View High"

    history = api.client.get(
        f"/api/v1/artifacts/{artifact_id}/history?view=draft", headers=api.as_("partner")
    ).json()
    summaries = [entry["summary"] for entry in history]
    assert "Returned with 2 comment(s)" in summaries
    assert summaries.count("Answered a review comment") == 2

    index(container)
    assert inbox_kinds(api, "partner") == ["published", "returned"]
    assert "answered" in inbox_kinds(api, "editor")
    # The admin (another editor) did not return it: no answer reaches them.
    assert "answered" not in inbox_kinds(api, "admin")


def test_editors_and_contributors_only(api: Api) -> None:
    artifact_id, etag = submitted(api)
    for who, status in (("partner", 403), ("member", 403), ("anonymous", 401)):
        refused = api.client.post(
            f"/api/v1/artifacts/{artifact_id}/return",
            json={"general": GENERAL},
            headers=api.as_(who, **{"If-Match": etag}),
        )
        assert refused.status_code == status, (who, refused.text)
        assert refused.headers["content-type"].startswith("application/problem+json")
    assert return_it(api, artifact_id, etag).status_code == 200
    assert conversation(api, artifact_id, "editor").status_code == 200
    assert conversation(api, artifact_id, "admin").status_code == 200
    unseen = conversation(api, artifact_id, "other-partner")
    assert unseen.status_code == 404
    assert unseen.headers["content-type"].startswith("application/problem+json")
    assert conversation(api, artifact_id, "member").status_code == 403
    assert conversation(api, artifact_id, "anonymous").status_code == 401
    stranger = api.client.post(
        f"/api/v1/artifacts/{artifact_id}/comments",
        json={"text": "Let me in"},
        headers=api.as_("other-partner"),
    )
    assert stranger.status_code == 404
    # An editor may answer too (a reply in the same conversation).
    reply = api.client.post(
        f"/api/v1/artifacts/{artifact_id}/comments",
        json={"text": "Happy to talk it through."},
        headers=api.as_("editor"),
    )
    assert reply.status_code == 201


def test_problems_for_what_cannot_be_done(api: Api) -> None:
    artifact_id, etag = submitted(api)
    url = f"/api/v1/artifacts/{artifact_id}"
    no_if_match = api.client.post(
        f"{url}/return", json={"general": GENERAL}, headers=api.as_("editor")
    )
    assert no_if_match.status_code == 428
    empty = return_it(api, artifact_id, etag, general="  ", fields={"title": ""})
    assert empty.status_code == 422
    assert "at least one comment" in empty.json()["detail"]
    unknown = return_it(api, artifact_id, etag, fields={"colour": "Bluer"})
    assert unknown.status_code == 422
    assert "colour" in unknown.json()["detail"]
    never = api.client.post(f"{url}/comments", json={"text": "?"}, headers=api.as_("partner"))
    assert never.status_code == 409
    assert return_it(api, artifact_id, etag).status_code == 200
    twice = return_it(api, artifact_id, etag)
    assert twice.status_code == 412  # it changed since that ETag
    current = api.client.get(f"{url}?view=draft", headers=api.as_("editor")).headers["ETag"]
    not_in_review = return_it(api, artifact_id, current)
    assert not_in_review.status_code == 409
    assert not_in_review.headers["content-type"].startswith("application/problem+json")
    bad_comment = api.client.post(
        f"{url}/comments",
        json={"text": "?", "comment_id": "r9-title"},
        headers=api.as_("partner"),
    )
    assert bad_comment.status_code == 422
    blank = api.client.post(f"{url}/comments", json={"text": ""}, headers=api.as_("partner"))
    assert blank.status_code == 422
    stale = api.client.post(
        f"{url}/comments", json={"text": "ok"}, headers=api.as_("partner", **{"If-Match": etag})
    )
    assert stale.status_code == 412
    missing = conversation(api, "00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404


def test_no_public_surface_shows_the_conversation(api: Api, container: Container) -> None:
    secret_comment = "Zephyrine-comment: the consent form is unsigned"
    secret_answer = "Quillwort-answer: signed on Monday"
    artifact_id, etag = submitted(api)
    returned = return_it(api, artifact_id, etag, general=secret_comment)
    assert returned.status_code == 200
    answered = api.client.post(
        f"/api/v1/artifacts/{artifact_id}/comments",
        json={"text": secret_answer},
        headers=api.as_("partner"),
    )
    again = api.client.post(
        f"/api/v1/artifacts/{artifact_id}/submit",
        headers=api.as_("partner", **{"If-Match": answered.headers["ETag"]}),
    )
    published = api.client.post(
        f"/api/v1/artifacts/{artifact_id}/publish",
        headers=api.as_("editor", **{"If-Match": again.headers["ETag"]}),
    )
    assert published.status_code == 200, published.text
    index(container)

    url = f"/api/v1/artifacts/{artifact_id}"
    public = [
        url,
        f"{url}/history",
        f"{url}/jsonld",
        f"{url}/package",
        "/api/v1/search?q=Zephyrine",
        "/api/v1/search?q=Quillwort",
        "/api/v1/artifacts",
        "/api/v1/changes?limit=100",
        "/feeds/atom",
        "/feeds/json",
        "/oai?verb=ListRecords&metadataPrefix=oai_dc",
        f"/artifacts/{artifact_id}",
        f"/artifacts/{artifact_id}/history",
    ]
    for who in ("anonymous", "member", "other-partner"):
        for path in public:
            answer = api.client.get(path, headers=api.as_(who))
            assert answer.status_code in (200, 404), (who, path, answer.status_code)
            for secret in ("Zephyrine", "Quillwort"):
                assert secret.encode() not in answer.content, (who, path)
        assert conversation(api, artifact_id, who).status_code in (401, 403, 404)
    # Its contributor still sees the whole conversation.
    talk = conversation(api, artifact_id).json()
    assert talk["returns"][0]["comments"][0]["text"] == secret_comment
    assert talk["returns"][0]["answers"][0]["text"] == secret_answer
