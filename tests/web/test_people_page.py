"""The people in a draft, through the pages: a partner records a student (a minor) with a
guardian contact and the guardian's consent; publishing names what consent is missing;
readers see only the credited name."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from tests.web.conftest import Demo, csrf_of

STUDENT = "Marisol Etxeberria Quiroga"
GUARDIAN = "guardian.etxeberria@example.org"
STORY = {
    "kind": "story",
    "title": "Listening walks at Riverside",
    "summary": "Students led the walk.",
    "body": "We walked, and we listened.",
    "terms": ["principles:lead-with-learning"],
    "place": "riverside-primary",
    "licence": "https://creativecommons.org/licenses/by/4.0/",
}


def bearer(demo: Demo, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {demo.tokens[role]}"}


def post(client: TestClient, path: str, page: str, **fields: Any) -> Any:
    version = re.search(r'name="version" value="(\d+)"', page)
    data = {"csrf": csrf_of(page), **fields}
    if version and "version" not in fields:
        data["version"] = version.group(1)
    return client.post(path, data=data, follow_redirects=False)


def test_a_partner_lists_a_student_and_records_the_guardians_consent(demo: Demo) -> None:
    partner = demo.client("partner")
    created = partner.post("/api/v1/artifacts", json=STORY, headers=bearer(demo, "partner"))
    assert created.status_code == 201, created.text
    artifact_id = created.json()["id"]
    path = f"/drafts/{artifact_id}/people"

    page = partner.get(path)
    assert page.status_code == 200 and "People in this artifact" in page.text
    assert "Nobody is listed yet." in page.text
    refused = post(partner, f"{path}/new", page.text, name=STUDENT, minor="yes", role="named")
    assert refused.status_code == 422
    assert "A minor needs a guardian contact." in refused.text
    assert 'id="field-new-guardian_contact" name="guardian_contact" value=""' in refused.text
    assert f'value="{STUDENT}"' in refused.text  # what was typed comes back

    answer = post(
        partner,
        f"{path}/new",
        page.text,
        name=STUDENT,
        credit="initials",
        minor="yes",
        guardian_contact=GUARDIAN,
        role="contributor",
    )
    assert answer.status_code == 303, answer.text
    page = partner.get(answer.headers["location"])
    assert "The person was recorded and listed in this artifact." in page.text
    assert "M. E. Q." in page.text
    assert "consent from M. E. Q. for adaptation by other sites" in page.text
    persons = partner.get(
        f"/api/v1/artifacts/{artifact_id}?view=draft", headers=bearer(demo, "partner")
    )
    student = persons.json()["persons"][0]["person_id"]

    consent = {
        "person_id": student,
        "scope": "members",
        "given_by": "guardian",
        "method": "verbal",
        "evidence": "Ms. Lopez",
    }
    answer = post(partner, f"{path}/consent/content", page.text, **consent)
    assert answer.status_code == 303, answer.text
    page = partner.get(answer.headers["location"])
    assert "The consent was recorded." in page.text
    assert "(theirs is for members only)" in page.text

    editor = demo.client("editor")
    publish = f"/api/v1/artifacts/{artifact_id}/publish"
    version = partner.get(
        f"/api/v1/artifacts/{artifact_id}?view=draft", headers=bearer(demo, "partner")
    ).headers["ETag"]
    headers = {**bearer(demo, "editor"), "If-Match": version}
    refused = editor.post(publish, headers=headers)
    assert refused.status_code == 422
    assert "consent from M. E. Q. for adaptation by other sites" in refused.json()["detail"]

    submitted = partner.post(
        f"/api/v1/artifacts/{artifact_id}/submit",
        headers={**bearer(demo, "partner"), "If-Match": version},
    )
    assert submitted.status_code == 200, submitted.text
    headers["If-Match"] = submitted.headers["ETag"]
    queue = editor.get("/review")
    assert "consent from M. E. Q. for adaptation by other sites" in queue.text
    assert STUDENT not in queue.text

    wider = post(partner, f"{path}/consent/content", page.text, **{**consent, "scope": "adaptable"})
    assert wider.status_code == 303, wider.text
    assert "Every listed person has consented" in partner.get(path).text
    done = editor.post(publish, headers=headers)
    assert done.status_code == 200, done.text

    reader = demo.client().get(f"/artifacts/{artifact_id}")
    assert reader.status_code == 200
    assert "M. E. Q." in reader.text and "Marisol" not in reader.text
    assert student not in reader.text and f"/drafts/{artifact_id}/people" not in reader.text
    assert f"/drafts/{artifact_id}/people" in partner.get(f"/artifacts/{artifact_id}").text


def test_the_page_in_spanish_and_for_others(demo: Demo) -> None:
    partner = demo.client("partner")
    created = partner.post("/api/v1/artifacts", json=STORY, headers=bearer(demo, "partner"))
    path = f"/drafts/{created.json()['id']}/people"
    spanish = partner.get(f"{path}?lang=es")
    assert spanish.status_code == 200 and "Personas en este artefacto" in spanish.text
    assert demo.client("other-partner").get(path).status_code == 404
    assert demo.client("member").get(path).status_code == 403
    bad = post(
        partner, f"{path}/consent/content?lang=en", partner.get(path).text, person_id="nobody"
    )
    assert bad.status_code == 422 and "Choose the person who consents." in bad.text
    spanish_bad = post(
        partner, f"{path}/consent/content?lang=es", partner.get(path).text, person_id="nobody"
    )
    assert "Elija a la persona que da su consentimiento." in spanish_bad.text
    forged = partner.post(f"{path}/new", data={"name": "X", "csrf": "forged"})
    assert forged.status_code == 403
