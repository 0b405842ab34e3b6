"""Signed consent forms: a private document only editors and the recording partner read,
never served publicly, sealed in storage, destroyed with the person's erasure.
SQLite and PostgreSQL (the ``api`` fixture)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from infra.settings import Settings
from tests import media_samples
from tests.api.test_people_api import give, raw_stores, recorded
from tests.conftest import Api

PROBLEM = "application/problem+json"
SIGNED = b"Signed by the guardian of Nayeli Cuauhtemoc Rios"


def form_pdf() -> bytes:
    data = media_samples.pdf().replace(b"%%EOF", b"% " + SIGNED + b"\n%%EOF")
    assert SIGNED in data
    return data


def file_form(
    api: Api,
    person_id: str,
    data: bytes,
    content_type: str = "application/pdf",
    who: str = "partner",
) -> Any:
    return api.client.post(
        f"/api/v1/persons/{person_id}/consent-forms",
        content=data,
        headers=api.as_(who, **{"Content-Type": content_type}),
    )


def filed(api: Api, person_id: str) -> dict[str, Any]:
    answer = file_form(api, person_id, form_pdf())
    assert answer.status_code == 201, answer.text
    assert answer.headers["cache-control"] == "private, no-store"
    return dict(answer.json())


def test_a_filed_form_backs_a_signed_consent_and_only_managers_read_it(
    api: Api, settings: Settings
) -> None:
    person = recorded(api)
    form = filed(api, person["id"])
    assert form["person_id"] == person["id"] and form["content_type"] == "application/pdf"
    consent = give(
        api,
        person["id"],
        method="signed-form",
        evidence={"form_media_id": form["id"]},
        scope="public",
    )
    assert consent.status_code == 201, consent.text
    assert consent.json()["evidence"] == {"form_media_id": form["id"]}

    url = form["url"]
    for who in ("partner", "editor"):
        seen = api.client.get(url, headers=api.as_(who))
        assert seen.status_code == 200, (who, seen.text)
        assert seen.content == form_pdf()
        assert seen.headers["cache-control"] == "private, no-store"
        assert seen.headers["content-disposition"].startswith("attachment")
        assert seen.headers["x-content-type-options"] == "nosniff"
    listed = api.client.get(
        f"/api/v1/persons/{person['id']}/consent-forms", headers=api.as_("editor")
    )
    assert [f["id"] for f in listed.json()] == [form["id"]]
    for who, status in (("other-partner", 404), ("member", 403), ("anonymous", 401)):
        for path in (url, f"/api/v1/persons/{person['id']}/consent-forms"):
            refused = api.client.get(path, headers=api.as_(who))
            assert refused.status_code == status, (who, path)
            assert refused.headers["content-type"] == PROBLEM
            assert SIGNED not in refused.content
    # No public address serves it: not as media, not as a thumbnail, not by HEAD.
    for who in ("anonymous", "member", "partner", "editor"):
        for path in (f"/media/{form['id']}", f"/media/{form['id']}/320"):
            assert api.client.get(path, headers=api.as_(who)).status_code == 404, (who, path)
            assert api.client.head(path, headers=api.as_(who)).status_code == 404, (who, path)
    # Sealed in storage: the document's words are in no store in clear.
    stored = raw_stores(settings)
    assert form["id"].encode() in stored and SIGNED not in stored


def test_erasure_destroys_the_form(api: Api, settings: Settings) -> None:
    person = recorded(api)
    form = filed(api, person["id"])

    def media_files() -> list[Path]:
        return [p for p in (settings.data_dir / "media").rglob("*") if form["id"] in str(p)]

    assert media_files()
    erased = api.client.post(f"/api/v1/persons/{person['id']}/erase", headers=api.as_("partner"))
    assert erased.status_code == 200, erased.text
    assert media_files() == []
    gone = api.client.get(form["url"], headers=api.as_("editor"))
    assert gone.status_code == 404 and gone.headers["content-type"] == PROBLEM
    again = file_form(api, person["id"], form_pdf())
    assert again.status_code == 409, again.text
    assert SIGNED not in raw_stores(settings)


def test_bad_forms_are_refused_clearly(api: Api) -> None:
    person = recorded(api)
    pid = person["id"]
    cases = [
        ("text/html", b"<script>alert(1)</script>", 422),
        ("application/pdf", media_samples.png(), 422),  # declared PDF, bytes of a PNG
        ("application/pdf", b"", 422),
        ("image/svg+xml", b"<svg/>", 422),
        ("application/pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024 + 1), 413),
    ]
    for content_type, data, status in cases:
        answer = file_form(api, pid, data, content_type)
        assert answer.status_code == status, (content_type, answer.status_code, answer.text[:300])
        assert answer.headers["content-type"] == PROBLEM
    others = file_form(api, pid, form_pdf(), who="other-partner")
    assert others.status_code == 404 and others.headers["content-type"] == PROBLEM
    assert file_form(api, pid, form_pdf(), who="member").status_code == 403
    assert file_form(api, pid, form_pdf(), who="anonymous").status_code == 401
    unknown = file_form(api, "00000000-0000-4000-8000-000000000000", form_pdf())
    assert unknown.status_code == 404


def test_a_signed_consent_names_a_form_filed_for_that_person(api: Api) -> None:
    person = recorded(api)
    someone_else = recorded(api, name="Another Student")
    theirs = filed(api, someone_else["id"])
    for named in ("not-an-id", "00000000-0000-4000-8000-000000000000", theirs["id"]):
        answer = give(api, person["id"], method="signed-form", evidence={"form_media_id": named})
        assert answer.status_code == 422, (named, answer.text)
        assert answer.json()["field"] == "form_media_id"


def test_a_scanned_form_of_a_few_megabytes_is_taken(api: Api) -> None:
    """Scans are large: the site's 1 MB limit for JSON bodies does not apply to forms."""
    person = recorded(api)
    scan = form_pdf().replace(b"%%EOF", b"% " + b"0" * (3 * 1024 * 1024) + b"\n%%EOF")
    answer = file_form(api, person["id"], scan)
    assert answer.status_code == 201, answer.text[:300]
