"""A consent given by signed form, through the people page: the document itself is sent
with the consent, filed for the person (sealed, private) and named by the consent, in
one submission. Hostile uploads (too large, the wrong type, another partner's person,
no CSRF token) are refused with the form filled in and nothing filed."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from lxml import html as lxml_html

from domain.consent_forms import MAX_FORM_BYTES
from tests import media_samples
from tests.web.conftest import Demo, csrf_of
from tests.web.test_people_page import bearer, post
from tests.web.test_people_page_hostile import OTHERS, draft, others_person

SIGNED = b"Signed by Itzel Maribel Quispe Condori"


def form_pdf() -> bytes:
    return media_samples.pdf().replace(b"%%EOF", b"% " + SIGNED + b"\n%%EOF")


def listed_person(demo: Demo) -> tuple[TestClient, str, str]:
    """A partner's draft with one person listed: the client, the page's path, the person."""
    partner, path = draft(demo)
    page = partner.get(path)
    listed = post(partner, f"{path}/new", page.text, name="Itzel Quispe", role="pictured")
    assert listed.status_code == 303, listed.text[-400:]
    page = partner.get(path)
    person = page.text.split('name="person_id" value="', 1)[1].split('"', 1)[0]
    return partner, path, person


def send(
    client: TestClient,
    path: str,
    person: str,
    document: tuple[str, bytes, str] | None,
    *,
    csrf: str | None = "from the page",
    **fields: str,
) -> Any:
    """The consent form as a browser sends it: multipart, the file as ``form_file``."""
    data = {
        "person_id": person,
        "scope": "public",
        "given_by": "person",
        "method": "signed-form",
        "evidence": "",
        "expires": "2031-06-30",
        "applies": "this",
        **fields,
    }
    if csrf == "from the page":
        csrf = csrf_of(client.get(path).text)
    if csrf is not None:
        data["csrf"] = csrf
    files = {"form_file": document} if document else {"form_file": ("", b"", "")}
    return client.post(f"{path}/consent/content", data=data, files=files, follow_redirects=False)


def forms_of(demo: Demo, person: str, who: str = "partner") -> list[dict[str, Any]]:
    client = demo.client()
    answer = client.get(f"/api/v1/persons/{person}/consent-forms", headers=bearer(demo, who))
    assert answer.status_code == 200, answer.text
    return list(answer.json())


def consents_of(demo: Demo, person: str) -> list[dict[str, Any]]:
    answer = demo.client().get(
        f"/api/v1/consents?person_id={person}", headers=bearer(demo, "partner")
    )
    assert answer.status_code == 200, answer.text
    return list(answer.json())


def test_the_signed_form_is_filed_and_named_by_the_consent_in_one_submission(
    demo: Demo,
) -> None:
    partner, path, person = listed_person(demo)
    page = partner.get(path)
    tree = lxml_html.fromstring(page.text)
    (form,) = tree.xpath("//form[contains(@action, '/people/consent/content')]")
    assert form.get("enctype") == "multipart/form-data"
    assert form.xpath(".//input[@type='file' and @name='form_file']")

    answer = send(partner, path, person, ("consent.pdf", form_pdf(), "application/pdf"))
    assert answer.status_code == 303, answer.text[-600:]
    shown = partner.get(answer.headers["location"])
    assert "The signed form was filed and the consent recorded." in shown.text

    (filed,) = forms_of(demo, person)
    assert filed["content_type"] == "application/pdf" and filed["size"] == len(form_pdf())
    (consent,) = consents_of(demo, person)
    assert consent["method"] == "signed-form"
    assert consent["evidence"] == {"form_media_id": filed["id"]}
    document = demo.client().get(filed["url"], headers=bearer(demo, "partner"))
    assert document.status_code == 200 and SIGNED in document.content
    editor = demo.client().get(filed["url"], headers=bearer(demo, "editor"))
    assert editor.status_code == 200
    other = demo.client().get(filed["url"], headers=bearer(demo, "other-partner"))
    assert other.status_code == 404 and SIGNED not in other.content


def test_a_form_too_large_comes_back_filled_in_and_nothing_is_filed(demo: Demo) -> None:
    partner, path, person = listed_person(demo)
    big = form_pdf() + b"%" * (MAX_FORM_BYTES + 1 - len(form_pdf()))
    answer = send(partner, path, person, ("consent.pdf", big, "application/pdf"), scope="shared")
    assert answer.status_code == 413, answer.text[-600:]
    assert "The signed form is too large: choose a file of at most 10 MB." in answer.text
    assert 'id="field-consent-form_file"' in answer.text and 'aria-invalid="true"' in answer.text
    assert 'value="2031-06-30"' in answer.text  # the form comes back as it was filled in
    assert '<option value="shared" selected>' in answer.text
    assert forms_of(demo, person) == [] and consents_of(demo, person) == []


def test_a_body_far_over_the_limit_is_refused_before_it_is_read(demo: Demo) -> None:
    partner, path, person = listed_person(demo)
    huge = b"%" * (MAX_FORM_BYTES + 200 * 1024)
    answer = send(partner, path, person, ("consent.pdf", huge, "application/pdf"))
    assert answer.status_code == 413
    assert "The signed form is too large" in answer.text
    assert forms_of(demo, person) == []


def test_a_form_of_the_wrong_type_is_refused_in_the_pages_language(demo: Demo) -> None:
    partner, path, person = listed_person(demo)
    script = ("consent.html", b"<script>alert(1)</script>", "text/html")
    answer = send(partner, path, person, script, given_by="guardian")
    assert answer.status_code == 422, answer.text[-600:]
    assert "The signed form must be a PDF, JPEG, PNG or WebP file." in answer.text
    assert '<option value="guardian" selected>' in answer.text
    disguised = ("consent.pdf", media_samples.png(), "application/pdf")  # the bytes say PNG
    spanish = partner.post(
        f"{path}/consent/content?lang=es",
        data={
            "csrf": csrf_of(partner.get(path).text),
            "person_id": person,
            "scope": "public",
            "given_by": "person",
            "method": "signed-form",
        },
        files={"form_file": disguised},
        follow_redirects=False,
    )
    assert spanish.status_code == 422
    assert "El formulario firmado debe ser un archivo PDF, JPEG, PNG o WebP." in spanish.text
    assert forms_of(demo, person) == [] and consents_of(demo, person) == []


def test_a_file_goes_with_a_signed_form_only_and_a_signed_form_needs_one(demo: Demo) -> None:
    partner, path, person = listed_person(demo)
    verbal = send(
        partner,
        path,
        person,
        ("consent.pdf", form_pdf(), "application/pdf"),
        method="verbal",
        evidence="Ms. Staff",
    )
    assert verbal.status_code == 422
    assert "Attach a file only to a consent given by signed form." in verbal.text
    assert 'value="Ms. Staff"' in verbal.text
    missing = send(partner, path, person, None)
    assert missing.status_code == 422
    assert "Choose the file of the signed form" in missing.text
    assert forms_of(demo, person) == [] and consents_of(demo, person) == []


def test_a_refused_consent_leaves_no_form_behind(demo: Demo) -> None:
    partner, path, person = listed_person(demo)
    answer = send(
        partner,
        path,
        person,
        ("consent.pdf", form_pdf(), "application/pdf"),
        expires="2001-01-01",  # a consent that has already expired is refused
    )
    assert answer.status_code == 422, answer.text[-600:]
    assert forms_of(demo, person) == [] and consents_of(demo, person) == []


def test_another_partners_person_and_a_missing_csrf_token_file_nothing(demo: Demo) -> None:
    partner, path, person = listed_person(demo)
    theirs = others_person(demo)
    answer = send(partner, path, theirs, ("consent.pdf", form_pdf(), "application/pdf"))
    assert answer.status_code == 404, answer.text[-600:]
    assert "Choose the person who consents." in answer.text and OTHERS not in answer.text
    assert forms_of(demo, theirs, who="other-partner") == []

    for token in (None, "forged"):
        forged = send(partner, path, person, ("c.pdf", form_pdf(), "application/pdf"), csrf=token)
        assert forged.status_code == 403
    member = demo.client("member")
    token = csrf_of(member.get("/").text)  # a valid token of the member's own session
    refused = send(member, path, person, ("c.pdf", form_pdf(), "application/pdf"), csrf=token)
    assert refused.status_code == 403 and "Itzel" not in refused.text
    assert forms_of(demo, person) == [] and consents_of(demo, person) == []


def test_the_consent_form_labels_every_control(demo: Demo) -> None:
    """Markup checks in place of an accessibility engine: every control labelled, help
    tied to its field, one h1, every posting form with a CSRF token and a button; and a
    refused upload points at the file field and the error summary."""
    partner, path, person = listed_person(demo)
    for page in (
        partner.get(path).text,
        send(partner, path, person, ("x.txt", b"plain", "text/plain")).text,
    ):
        tree = lxml_html.fromstring(page)
        labels = {label.get("for") for label in tree.iter("label")}
        for control in tree.xpath("//input[not(@type='hidden')]|//textarea|//select"):
            assert control.get("id") in labels, lxml_html.tostring(control)
        ids = set(tree.xpath("//@id"))
        for described in tree.xpath("//*[@aria-describedby]"):
            for target in described.get("aria-describedby").split():
                assert target in ids, (described.get("id"), target)
        assert len(tree.xpath("//h1")) == 1
        for form in tree.xpath("//form[@method='post']"):
            assert form.xpath(".//input[@name='csrf']"), form.get("action")
            assert form.xpath(".//button[@type='submit']"), form.get("action")
    (field,) = tree.xpath("//input[@id='field-consent-form_file']")
    assert field.get("aria-invalid") == "true"
    assert field.get("aria-describedby") == "form-file-help error-summary"
    assert tree.xpath("//*[@id='error-summary' and @role='alert']")


def test_an_editor_files_a_signed_form_for_a_partners_person(demo: Demo) -> None:
    _, path, person = listed_person(demo)
    editor = demo.client("editor")
    answer = send(editor, path, person, ("consent.pdf", form_pdf(), "application/pdf"))
    assert answer.status_code == 303, answer.text[-600:]
    (filed,) = forms_of(demo, person, who="editor")
    assert filed["filed_by"] != "" and consents_of(demo, person)[0]["evidence"] == {
        "form_media_id": filed["id"]
    }
