"""The review conversation's and the responses' problems follow Accept-Language."""

from __future__ import annotations

from services.api import problem_messages
from services.api.problem_messages_conversation import DETAILS
from tests.api.test_responses_api import published, respond
from tests.api.test_review_api import submitted
from tests.conftest import Api

SPANISH = {"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}


def test_their_templates_are_among_the_problem_details() -> None:
    assert set(DETAILS) <= set(problem_messages.DETAILS)


def test_answering_a_draft_never_returned_is_explained_in_spanish(api: Api) -> None:
    artifact_id, _etag = submitted(api)
    answer = api.client.post(
        f"/api/v1/artifacts/{artifact_id}/comments",
        json={"text": "Hola"},
        headers=api.as_("partner", **SPANISH),
    )
    assert answer.status_code == 409
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert answer.json()["detail"] == (
        "Este borrador nunca se devolvió con comentarios; no hay nada que responder."
    )


def test_returning_on_an_unknown_field_is_explained_in_spanish(api: Api) -> None:
    artifact_id, etag = submitted(api)
    answer = api.client.post(
        f"/api/v1/artifacts/{artifact_id}/return",
        json={"fields": {"colour": "Why?"}},
        headers=api.as_("editor", **{"If-Match": etag, **SPANISH}),
    )
    assert answer.status_code == 422
    assert answer.json()["detail"] == (
        "Los borradores no tienen ningún campo 'colour' que comentar."
    )


def test_a_response_moderated_twice_is_explained_in_spanish(api: Api) -> None:
    artifact_id = published(api)
    response_id = respond(api, artifact_id).json()["id"]
    url = f"/api/v1/responses/{response_id}/approve"
    assert api.client.post(url, headers=api.as_("editor")).status_code == 200
    again = api.client.post(url, headers=api.as_("editor", **SPANISH))
    assert again.status_code == 409
    assert again.json()["detail"] == (
        "Solo una respuesta que espera moderación puede aprobarse o rechazarse; esta ya se moderó."
    )
    member = api.client.post(url, headers=api.as_("member", **SPANISH))
    assert member.status_code == 403
    assert "moderar respuestas" in member.json()["detail"]
