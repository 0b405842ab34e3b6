"""Recording a consent on a draft's people page, with the signed form itself.

The form is multipart: for a consent given by signed form it carries the scanned or
photographed document, which is filed for the person (sealed with their key, as
``POST /api/v1/persons/{id}/consent-forms`` files it) and named by the consent, in one
submission (``domain/app/signed_consent.py``). The same checks as the API apply: the
CSRF token, PDF, JPEG, PNG or WebP only (declared and sniffed), at most 10 MB, and only
editors and the partner who recorded the person. A refused form comes back filled in
(but for the file, which a browser never lets a page choose again) with the reason.

The path ends in ``/content`` so that the site's JSON body limit leaves the document
to this route's own limit, as the draft editor's upload does.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any
from uuid import UUID

from fastapi import Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile
from starlette.responses import Response

from domain.app.consent_forms import ConsentForms
from domain.app.signed_consent import give_by_signed_form
from domain.consent_forms import MAX_FORM_BYTES
from domain.errors import InvalidInput, NotFound, TooLarge
from domain.ports.media import MediaStoreUnavailable
from services.api.deps import ArchiveDep
from services.api.routes.consent_forms import FormsDep
from services.api.web.i18n import N_
from services.api.web.routes.common import ViewerDep, page_router, text
from services.api.web.routes.people import REFUSED, _day, _done, _editor_of, _failure, _page
from services.api.web.session import Viewer, check_csrf

router = page_router()
FIELDS_OVERHEAD = 64 * 1024  # the consent's own fields, besides the document
TOO_LARGE = N_("The signed form is too large: choose a file of at most 10 MB.")
WRONG_TYPE = N_("The signed form must be a PDF, JPEG, PNG or WebP file.")
NO_FILE = N_("Choose the file of the signed form, or the id of a form already filed.")
NOT_SIGNED = N_("Attach a file only to a consent given by signed form.")
NOT_YOURS = N_("Choose the person who consents.")
STORE_DOWN = N_(
    "The form cannot be stored right now, so nothing was recorded. "
    "Choose the file again and send it in a moment."
)
TYPED = ("person_id", "scope", "given_by", "method", "evidence", "expires", "applies")


@router.post("/drafts/{artifact_id}/people/consent/content")
async def record_consent(
    artifact_id: UUID, request: Request, archive: ArchiveDep, viewer: ViewerDep, forms: FormsDep
) -> Response:
    """Record a consent for a listed person: for this artifact, or for all of theirs;
    for a signed form, with the document, filed for the person first."""
    declared = request.headers.get("content-length", "")
    if not declared.isdigit() or int(declared) > MAX_FORM_BYTES + FIELDS_OVERHEAD:
        failure = {"error": TOO_LARGE, "bad": "consent-form_file", "status": 413}
        return await run_in_threadpool(
            _page, request, archive, viewer, artifact_id, failure=failure
        )
    async with request.form(max_files=1, max_fields=40) as form:  # closes a spooled file
        check_csrf(request, form)
        return await run_in_threadpool(_record, artifact_id, request, forms, viewer, form)


def _record(
    artifact_id: UUID, request: Request, forms: ConsentForms, viewer: Viewer, form: FormData
) -> Response:
    """The rest of ``record_consent``, in a worker thread: it reads and writes stores."""
    principal = _editor_of(viewer)
    typed = {name: text(form, name) for name in TYPED}
    upload = _upload(form)
    archive = forms.archive
    try:
        data = {
            "person_id": _uuid(typed["person_id"]),
            "artifact_id": None if typed["applies"] == "all" else artifact_id,
            "scope": typed["scope"],
            "given_by": typed["given_by"],
            "method": typed["method"],
            "expires_at": _moment(typed["expires"]),
        }
        if upload is None:
            if typed["method"] == "signed-form" and not typed["evidence"]:
                raise InvalidInput(NO_FILE, field="form")
            archive.people.give(principal, {**data, "evidence": _evidence(typed)})
            return _done(artifact_id, "consent")
        if typed["method"] != "signed-form":
            raise InvalidInput(NOT_SIGNED, field="form")
        document = upload.file.read(MAX_FORM_BYTES + 1)
        give_by_signed_form(forms, principal, data, document, upload.content_type or "")
    except (*REFUSED, TooLarge, NotFound) as exc:
        failure = _refusal(exc)
        return _page(request, archive, viewer, artifact_id, failure=failure, typed=typed)
    except MediaStoreUnavailable:
        failure = {"error": STORE_DOWN, "bad": "consent-form_file", "status": 503}
        return _page(request, archive, viewer, artifact_id, failure=failure, typed=typed)
    return _done(artifact_id, "signed")


def _upload(form: FormData) -> UploadFile | None:
    value = form.get("form_file")
    if isinstance(value, UploadFile) and value.filename and (value.size or 0) > 0:
        return value
    return None


def _refusal(exc: Any) -> dict[str, Any]:
    """The page's reason for a refusal; the document's own in words the page translates
    (the use case's name the API's limits and field names)."""
    if isinstance(exc, NotFound):  # another partner's person: nothing about them is told
        return {"error": NOT_YOURS, "bad": "consent-person_id", "status": 404}
    failure = _failure(exc, "consent")
    field = str(exc.extra.get("field") or "")
    if isinstance(exc, TooLarge):
        failure.update(error=TOO_LARGE, bad="consent-form_file")
    elif field == "content_type":
        failure.update(error=WRONG_TYPE, bad="consent-form_file")
    elif field == "form":
        failure["bad"] = "consent-form_file"
    return failure


def _uuid(value: str) -> UUID:
    try:
        return UUID(value)
    except ValueError:
        raise InvalidInput(NOT_YOURS, field="person_id") from None


def _moment(value: str) -> datetime | None:
    """An expiry day: the consent ends at the start of that day (UTC)."""
    day = _day(value, "expires_at")
    return None if day is None else datetime.combine(day, time(), tzinfo=UTC)


def _evidence(typed: dict[str, str]) -> dict[str, str]:
    """The one piece of evidence each method keeps (a filed form's id, the witness)."""
    key = {"signed-form": "form_media_id", "verbal": "witness"}.get(typed["method"], "reference")
    return {key: typed["evidence"]} if typed["evidence"] else {}
