"""What a withdrawal leaves behind: the change feed, the tombstone page, adaptation counts."""

from __future__ import annotations

from typing import Any

from infra.bootstrap import Container
from infra.readmodel.publications import TABLES, build_publications
from services.indexer.outbox import sender_for
from tests.api.test_syndication import catch_up, publish, published
from tests.conftest import Api

SECRET = "Ana, age 12, at the morning circle"


REASON = "Withdrawn at the family's request."


def withdraw(api: Api, artifact_id: str, reason: str = REASON) -> None:
    response = api.client.post(
        f"/api/v1/artifacts/{artifact_id}/withdraw",
        json={"reason": reason},
        headers=api.as_("editor"),
    )
    assert response.status_code == 200, response.text


def republish(api: Api, artifact_id: str, etag: str, **changes: Any) -> str:
    revised = api.client.patch(
        f"/api/v1/artifacts/{artifact_id}",
        json=changes,
        headers=api.as_("partner", **{"If-Match": etag}),
    )
    assert revised.status_code == 200, revised.text
    return publish(api, artifact_id, revised.headers["ETag"])


def feed(api: Api) -> list[dict[str, Any]]:
    changes: list[dict[str, Any]] = api.client.get("/api/v1/changes?limit=1000").json()["changes"]
    return changes


def stored_titles(container: Container) -> list[str]:
    """Every title the publications read model holds, read from its tables."""
    view = container.publications
    with view.datastore.transaction(commit=False) as cursor:
        cursor.execute(view.sql("SELECT title FROM {p}cp_changes"))
        titles = [row["title"] for row in cursor.fetchall()]
        cursor.execute(view.sql("SELECT title FROM {p}cp_publications"))
        return titles + [row["title"] for row in cursor.fetchall()]


def rebuild_view(container: Container) -> None:
    """Forget the publications read model and project the whole log into it again."""
    view = container.publications
    tracking = getattr(view, "tracking_table_name", "tracking")
    with view.datastore.transaction(commit=True) as cursor:
        for table in TABLES:
            cursor.execute(view.sql(f"DELETE FROM {{p}}{table}"))
        cursor.execute(view.sql(f"DELETE FROM {{p}}{tracking}"))
    assert feed_is_empty(container)
    catch_up(container)


def feed_is_empty(container: Container) -> bool:
    return container.publications.changes(0, 10) == []


def test_a_withdrawn_artifact_leaves_only_a_tombstone_in_the_change_feed(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    named, etag = published(api, {**ready_story, "title": SECRET})
    republish(api, named, etag, summary="Revised.")  # republished, then withdrawn
    kept, _ = published(api, {**ready_story, "title": "Kept story"})
    withdraw(api, named)
    catch_up(container)

    changes = feed(api)
    assert [(c["id"], c["type"]) for c in changes] == [
        (named, "published"),
        (named, "republished"),
        (kept, "published"),
        (named, "withdrawn"),
    ]
    tombstone = changes[-1]
    assert set(tombstone) == {"cursor", "type", "id", "at"}
    for earlier in changes[:2]:
        assert set(earlier) == {"cursor", "type", "id", "at", "version"}, earlier
    assert changes[2]["title"] == "Kept story" and changes[2]["jsonld"]
    assert SECRET not in api.client.get("/api/v1/changes").text
    # Gone from storage, not only from the answer.
    titles = stored_titles(container)
    assert SECRET not in titles and "Kept story" in titles

    rebuild_view(container)
    assert feed(api) == changes
    assert SECRET not in stored_titles(container)


def test_an_artifact_published_again_after_its_withdrawal_shows_only_its_new_title(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    named, _ = published(api, {**ready_story, "title": SECRET})
    withdraw(api, named)
    catch_up(container)
    draft = api.client.get(f"/api/v1/artifacts/{named}?view=draft", headers=api.as_("partner"))
    republish(api, named, draft.headers["ETag"], title="A morning circle")
    catch_up(container)

    changes = feed(api)
    assert [c["type"] for c in changes] == ["published", "withdrawn", "republished"]
    assert "title" not in changes[0] and set(changes[1]) == {"cursor", "type", "id", "at"}
    assert changes[2]["title"] == "A morning circle"
    assert SECRET not in stored_titles(container)
    rebuild_view(container)
    assert feed(api) == changes


def test_a_view_written_before_withdrawals_scrubbed_titles_is_scrubbed_when_opened(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    named, _ = published(api, {**ready_story, "title": SECRET})
    withdraw(api, named)
    published(api, {**ready_story, "title": "Kept story"})
    catch_up(container)
    view = container.publications
    with view.datastore.transaction(commit=True) as cursor:  # as an older version left it
        cursor.execute(view.sql("UPDATE {p}cp_changes SET title = ? WHERE artifact_id = ?"),
                       (SECRET, named))
        cursor.execute(view.sql("UPDATE {p}cp_publications SET title = ? WHERE artifact_id = ?"),
                       (SECRET, named))
    assert SECRET in stored_titles(container)
    reopened = build_publications(container.settings.eventsourcing_env())
    try:
        assert SECRET not in stored_titles(container)
        assert "Kept story" in stored_titles(container)
    finally:
        reopened.datastore.close()  # type: ignore[attr-defined]


def test_the_tombstone_page_says_only_what_is_true_and_names_nothing(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    named, _ = published(api, {**ready_story, "title": SECRET})
    withdraw(api, named)
    page = api.client.get(f"/artifacts/{named}")
    assert page.status_code == 410
    assert REASON.replace("'", "&#39;") in page.text
    # No withdrawal notice exists yet, so the page claims none was sent.
    text = page.text.split('<main id="main"', 1)[1].split("</main>", 1)[0].lower()
    assert "other sites" not in text and "been told" not in text and "notified" not in text
    assert SECRET not in page.text and ready_story["summary"] not in page.text


def adaptation(api: Api, origin: str) -> str:
    """Another partner's adaptation of ``origin`` for England, published publicly."""
    draft = api.client.post(
        "/api/v1/adaptations",
        json={"source": {"artifact_id": origin}, "place": "england"},
        headers=api.as_("other-partner"),
    )
    assert draft.status_code == 201, draft.text
    noted = api.client.patch(
        f"/api/v1/artifacts/{draft.json()['id']}",
        json={"adaptation_note": "Retold for England."},
        headers=api.as_("other-partner", **{"If-Match": draft.headers["ETag"]}),
    )
    publish(api, draft.json()["id"], noted.headers["ETag"])
    return str(draft.json()["id"])


def summary(api: Api, origin: str, who: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The artifact view's adaptation summary and the lineage graph's counts, for ``who``."""
    view = api.client.get(f"/api/v1/artifacts/{origin}", headers=api.as_(who)).json()
    graph = api.client.get(f"/api/v1/artifacts/{origin}/lineage", headers=api.as_(who)).json()
    return view["adaptations"], graph["adaptations"]


def test_the_adaptation_count_hides_local_adaptations_the_reader_may_not_see(
    api: Api, container: Container, ready_story: dict[str, Any]
) -> None:
    origin, _ = published(api, ready_story)
    adapted = adaptation(api, origin)
    sender_for(container).catch_up()  # the source hears of its adaptation
    everyone = {"count": 1, "places": ["England"], "place_count": 1}
    assert summary(api, origin, "anonymous")[0] == everyone
    # The adaptation is narrowed to members: others may no longer learn it exists, or where.
    draft = api.client.get(f"/api/v1/artifacts/{adapted}?view=draft", headers=api.as_("editor"))
    members = api.client.post(
        f"/api/v1/artifacts/{adapted}/publish",
        json={"visibility": "members"},
        headers=api.as_("editor", **{"If-Match": draft.headers["ETag"]}),
    )
    assert members.status_code == 200, members.text

    hidden = {"count": 0, "places": [], "place_count": 0}
    view, graph = summary(api, origin, "anonymous")
    assert view == hidden and graph == {"count": 0, "places": 0}
    view, graph = summary(api, origin, "member")
    assert view == everyone and graph == {"count": 1, "places": 1}
    listed = api.client.get("/api/v1/artifacts?status=published").json()["items"]
    assert next(i for i in listed if i["id"] == origin)["adaptations"] == hidden
    page = api.client.get(f"/artifacts/{origin}")
    assert page.status_code == 200 and "England" not in page.text

    withdraw(api, adapted)  # withdrawn: hidden from members too
    view, graph = summary(api, origin, "member")
    assert view == hidden and graph == {"count": 0, "places": 0}
