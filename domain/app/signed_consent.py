"""A consent given by signed form, in one step: file the form, then record the consent
that names it (``ConsentForms.file`` and ``archive.people.give``, the API's two calls).

The web page's consent form sends the document with the consent. If the consent is
refused after the form was filed (a scope the person's standing does not allow, an
artifact one may not edit…), the form just filed is destroyed again: its sealed
object is deleted and the form recorded as destroyed, so a refused submission leaves
no document behind that nothing names.
"""

from __future__ import annotations

import logging
from typing import Any
from uuid import UUID

from domain.access import Principal
from domain.app.consent_forms import ConsentForms
from domain.application import CommandResult
from domain.consent_forms import ConsentForm
from domain.ports.media import MediaStoreUnavailable
from domain.results import now

log = logging.getLogger("commonplace.consent_forms")


def give_by_signed_form(
    forms: ConsentForms,
    principal: Principal,
    consent: dict[str, Any],
    document: bytes,
    content_type: str,
) -> tuple[dict[str, Any], CommandResult]:
    """Files ``document`` for ``consent["person_id"]`` and records the signed-form
    consent naming it; returns the form's view and the consent's result.

    Only editors and the partner who recorded the person may (``ConsentForms.file``
    refuses everyone else before anything is stored)."""
    person_id: UUID = consent["person_id"]
    filed = forms.file(principal, person_id, document, content_type)
    data = {**consent, "method": "signed-form", "evidence": {"form_media_id": filed["id"]}}
    try:
        result = forms.archive.people.give(principal, data)
    except BaseException:
        _withdraw(forms, principal, UUID(filed["id"]))
        raise
    return filed, result


def _withdraw(forms: ConsentForms, principal: Principal, form_id: UUID) -> None:
    """Destroys a form that was filed for a consent that was then refused."""
    form = forms.archive.load(ConsentForm, form_id)
    try:
        forms.store.delete(form.key)
    except FileNotFoundError:
        pass
    except MediaStoreUnavailable:  # stays filed, so that erasing the person deletes it
        log.warning("Consent form %s of a refused consent left in storage", form_id)
        return
    assert principal.id is not None
    form.destroy(principal.id, now())
    forms.archive.save(form)
