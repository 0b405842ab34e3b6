"""Signed consent forms: a private document of one person (``domain/app/consent_forms.py``).

``POST /api/v1/persons/{id}/consent-forms`` takes the document itself as the body
(PDF, JPEG, PNG or WebP, at most 10 MB) and answers the form's id, which a
signed-form consent then names as ``evidence.form_media_id``. Only editors and the
partner who recorded the person file, list or read forms; no public URL serves them.
"""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from starlette.responses import Response

from domain.app.consent_forms import ConsentForms
from domain.consent_forms import FORM_TYPES, MAX_FORM_BYTES
from domain.errors import TooLarge
from infra.bootstrap import Container
from services.api.deps import PrincipalDep
from services.api.responses import JSON

router = APIRouter(tags=["people"])
PRIVATE = {
    "Cache-Control": "private, no-store",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
}


def get_forms(request: Request) -> ConsentForms:
    container: Container = request.app.state.container
    media = container.media
    return ConsentForms(container.archive, media.store, media.intake.inspector, container.vault)


FormsDep = Annotated[ConsentForms, Depends(get_forms)]
BINARY = {"schema": {"type": "string", "format": "binary"}}
DOCUMENT = {kind: BINARY for kind in FORM_TYPES}


async def _body(request: Request) -> bytes:
    """The request's body, refused as soon as it passes the limit."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_FORM_BYTES:
        raise TooLarge(f"A consent form is at most {MAX_FORM_BYTES} bytes.", field="form")
    received = bytearray()
    async for chunk in request.stream():
        received += chunk
        if len(received) > MAX_FORM_BYTES:
            raise TooLarge(f"A consent form is at most {MAX_FORM_BYTES} bytes.", field="form")
    return bytes(received)


@router.post(
    "/persons/{person_id}/consent-forms",
    status_code=201,
    openapi_extra={"requestBody": {"required": True, "content": DOCUMENT}},
)
async def file_form(
    person_id: UUID, request: Request, forms: FormsDep, principal: PrincipalDep
) -> JSON:
    """Files a signed consent form (the document as the body, its type as Content-Type)."""
    data = await _body(request)
    content_type = request.headers.get("content-type", "")
    view = await run_in_threadpool(forms.file, principal, person_id, data, content_type)
    return JSON(view, 201, headers={"Location": str(view["url"]), **PRIVATE})


@router.get("/persons/{person_id}/consent-forms")
def list_forms(person_id: UUID, forms: FormsDep, principal: PrincipalDep) -> JSON:
    """The forms filed for a person one manages."""
    return JSON(forms.forms(principal, person_id), headers=PRIVATE)


@router.get(
    "/persons/{person_id}/consent-forms/{form_id}",
    response_class=Response,
    responses={200: {"description": "The document, as an attachment.", "content": DOCUMENT}},
)
def read_form(person_id: UUID, form_id: UUID, forms: FormsDep, principal: PrincipalDep) -> Response:
    """The document, for editors and the partner who recorded the person; never cached."""
    data, content_type = forms.read(principal, person_id, form_id)
    headers = {**PRIVATE, "Content-Disposition": f'attachment; filename="consent-form-{form_id}"'}
    return Response(data, media_type=content_type, headers=headers)
