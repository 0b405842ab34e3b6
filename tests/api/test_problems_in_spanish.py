"""Problem documents in the reader's language: ``title`` and ``detail`` follow
``Accept-Language`` (English and Spanish), while ``type`` and every machine-readable
field stay English."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from domain import errors
from infra.bootstrap import build, seed_frameworks
from infra.settings import Settings
from services.api import openapi, problem_messages, problem_text
from services.api.app import create_app
from services.api.web import i18n
from tests.conftest import Api
from tests.web.test_i18n_catalogue import catalogue, translated

SPANISH = {"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def create(api: Api, content: dict[str, Any], **headers: str) -> Any:
    return api.client.post("/api/v1/artifacts", json=content, headers=api.as_("partner", **headers))


def test_a_missing_token_is_explained_in_spanish(api: Api) -> None:
    answer = api.client.post("/api/v1/artifacts", json={"kind": "story"}, headers=SPANISH)
    assert answer.status_code == 401
    assert answer.headers["Content-Type"] == "application/problem+json"
    assert answer.headers["Content-Language"] == "es"
    body = answer.json()
    assert body["type"] == "/problems/sign-in-required"
    assert body["title"] == "Hace falta iniciar sesión"
    assert body["detail"] == "Entre con una clave para crear publicaciones."


def test_english_is_unchanged_without_accept_language(api: Api) -> None:
    answer = api.client.get(f"/api/v1/artifacts/{uuid.uuid4()}")
    assert answer.status_code == 404
    body = answer.json()
    assert body["title"] == "Not found" and body["type"] == "/problems/not-found"
    assert body["detail"].startswith("No artifact ")
    assert answer.headers["Content-Language"] == "en"


def test_a_method_a_path_does_not_take_in_spanish(api: Api) -> None:
    answer = api.client.delete("/api/v1/health", headers=SPANISH)
    assert answer.status_code == 405
    assert answer.json()["type"] == "/problems/method-not-allowed"
    assert answer.json()["title"] == "Método no permitido"
    assert answer.json()["detail"] == "Esta dirección no acepta ese método."


def test_not_found_in_spanish_keeps_the_id(api: Api) -> None:
    missing = uuid.uuid4()
    answer = api.client.get(f"/api/v1/artifacts/{missing}", headers=SPANISH)
    assert answer.status_code == 404
    body = answer.json()
    assert body["type"] == "/problems/not-found"
    assert body["title"] == "No encontrado"
    assert body["detail"] == f"No hay ninguna publicación {missing} que usted pueda ver."


def test_invalid_input_in_spanish_keeps_its_codes(api: Api) -> None:
    answer = create(api, {"kind": "story", "licence": "free-for-all"}, **SPANISH)
    assert answer.status_code == 422
    body = answer.json()
    assert body["type"] == "/problems/invalid-input"
    assert body["title"] == "Dato no válido"
    assert body["detail"].startswith("No conocemos la licencia 'free-for-all'. Use una de estas:")
    assert body["field"] == "licence"  # machine-readable, unchanged
    assert "https://creativecommons.org/licenses/by/4.0/" in body["allowed"]


def test_request_validation_messages_in_spanish_keep_their_types(api: Api) -> None:
    answer = create(api, {"kind": "story", "title": ["not", "text"]}, **SPANISH)
    assert answer.status_code == 422
    body = answer.json()
    assert body["type"] == "/problems/invalid-request"
    assert body["title"] == "Solicitud no válida"
    wrong = [e for e in body["errors"] if e["field"] == "title"]
    assert wrong and wrong[0]["type"] == "string_type"
    assert wrong[0]["message"] == "Aquí va un texto."
    assert "title: Aquí va un texto." in body["detail"]


def test_malformed_json_in_spanish(api: Api) -> None:
    answer = api.client.post(
        "/api/v1/artifacts",
        content=b"{not json",
        headers=api.as_("partner", **SPANISH, **{"Content-Type": "application/json"}),
    )
    assert answer.status_code == 400
    body = answer.json()
    assert body["type"] == "/problems/malformed-json"
    assert body["title"] == "JSON mal formado"
    assert body["detail"] == "El cuerpo de la solicitud no es un JSON válido."


def test_publish_requirements_in_spanish(api: Api) -> None:
    draft = create(api, {"kind": "story", "title": "Solo un título"})
    answer = api.client.post(
        f"/api/v1/artifacts/{draft.json()['id']}/publish",
        headers=api.as_("editor", **{"If-Match": draft.headers["ETag"]}, **SPANISH),
    )
    assert answer.status_code == 422
    body = answer.json()
    assert body["type"] == "/problems/not-ready-to-publish"
    assert body["title"] == "Todavía no se puede publicar"
    assert body["detail"].startswith("Antes de publicarla, a esta publicación le falta: ")
    spanish_lines = i18n.translations("es")
    assert spanish_lines.gettext("a body") in body["detail"]
    assert "a body" in body["missing"]  # the list stays as the domain words it


def test_a_conflict_in_spanish(api: Api, ready_story: dict[str, Any]) -> None:
    draft = create(api, {"kind": "story", **ready_story})
    url = f"/api/v1/artifacts/{draft.json()['id']}"
    done = api.client.post(
        f"{url}/publish", headers=api.as_("editor", **{"If-Match": draft.headers["ETag"]})
    )
    again = api.client.post(
        f"{url}/publish", headers=api.as_("editor", **{"If-Match": done.headers["ETag"]}, **SPANISH)
    )
    assert again.status_code == 409
    assert again.json()["type"] == "/problems/conflict"
    assert again.json()["title"] == "Conflicto"
    assert again.json()["detail"] == "Esta versión ya está publicada tal como está."


def test_a_role_too_low_is_refused_in_spanish(api: Api) -> None:
    draft = create(api, {"kind": "story", "title": "Borrador"})
    answer = api.client.post(
        f"/api/v1/artifacts/{draft.json()['id']}/publish",
        headers=api.as_("partner", **{"If-Match": draft.headers["ETag"]}, **SPANISH),
    )
    assert answer.status_code == 403
    assert answer.json()["title"] == "Sin permiso"
    assert answer.json()["detail"] == (
        "Su función (aliado) no le permite publicar en el archivo; "
        "hace falta la función «edición» o una superior."
    )


def test_a_body_over_the_limit_in_spanish(api: Api) -> None:
    oversized = b'{"kind": "story", "body": "' + b"a" * 1_100_000 + b'"}'
    answer = api.client.post(
        "/api/v1/artifacts",
        content=oversized,
        headers=api.as_("partner", **SPANISH, **{"Content-Type": "application/json"}),
    )
    assert answer.status_code == 413
    body = answer.json()
    assert body["type"] == "/problems/too-large"
    assert body["title"] == "Demasiado grande"
    assert body["detail"] == f"El cuerpo de la solicitud pasa del límite de {body['limit']} bytes."


@pytest.fixture
def limited(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(
        data_dir=tmp_path / "data",
        load_demo=False,
        rate_limits={**Settings().rate_limits, "search": 1},
    )
    container = build(settings)
    seed_frameworks(container.archive)
    try:
        with TestClient(create_app(container=container), raise_server_exceptions=False) as client:
            yield client
    finally:
        container.close()


def test_too_many_searches_in_spanish(limited: TestClient) -> None:
    answers = [limited.get("/api/v1/search?q=agua", headers=SPANISH) for _ in range(3)]
    refused = [a for a in answers if a.status_code == 429]
    assert refused, [a.status_code for a in answers]
    body = refused[0].json()
    assert body["type"] == "/problems/too-many-requests"
    assert body["title"] == "Demasiadas solicitudes"
    assert body["detail"].startswith("Desde aquí se han hecho demasiadas búsquedas (el límite")
    assert refused[0].headers["Retry-After"]


@pytest.mark.parametrize(
    ("english", "spanish"),
    [
        (
            "Search is unavailable right now; try again shortly.",
            "La búsqueda no está disponible en este momento; inténtelo de nuevo en un rato.",
        ),
        (
            "The archive's storage is unavailable right now (the disk is full); nothing was "
            "recorded. Try again shortly.",
            "El almacenamiento del archivo no está disponible en este momento (the disk is "
            "full); no se guardó nada. Inténtelo de nuevo en un rato.",
        ),
    ],
)
def test_unavailable_backends_are_explained_in_spanish(english: str, spanish: str) -> None:
    assert problem_text.detail(english, "es") == spanish
    assert problem_text.detail(english, "en") == english


def test_an_error_made_from_a_template_carries_it() -> None:
    error = errors.InvalidInput.from_template(
        "Unknown place %(slug)s; see /api/v1/places.", {"slug": "'nogales'"}, field="place"
    )
    assert error.detail == "Unknown place 'nogales'; see /api/v1/places."
    assert error.extra == {"field": "place"}
    spanish = problem_text.detail(error.detail, "es", template=error.template, **error.params)
    assert spanish == "No conocemos el lugar 'nogales'; vea la lista en /api/v1/places."


def test_an_unknown_message_stays_english() -> None:
    assert problem_text.detail("Something nobody wrote a template for.", "es") == (
        "Something nobody wrote a template for."
    )


@pytest.mark.parametrize("template", problem_messages.DETAILS)
def test_each_template_is_recognised_as_itself(template: str) -> None:
    """A general template listed too early would take another's messages."""
    names = PLACEHOLDER.findall(template)
    english = template % {name: f"«{name}-{i}»" for i, name in enumerate(names)}
    found = problem_text.recognise(english)
    assert found is not None and found[0] == template
    assert found[1] == {name: f"«{name}-{i}»" for i, name in enumerate(names)}


def _every_subclass(cls: type[errors.DomainError]) -> set[type[errors.DomainError]]:
    found = set(cls.__subclasses__())
    for sub in list(found):
        found |= _every_subclass(sub)
    return found


def test_every_problem_title_has_a_spanish_translation() -> None:
    create_app  # noqa: B018  (importing the app loads every module that defines an error)
    spanish = catalogue("es")
    listed = {title for titles in problem_messages.TITLES.values() for title in titles}
    titles = {cls.title for cls in _every_subclass(errors.DomainError)} | {errors.DomainError.title}
    assert titles - listed - {problem_messages.DEFAULT_TITLE} == set()
    untranslated = sorted(t for t in listed | titles if not translated(spanish.get(t)))
    assert not untranslated


def test_every_status_in_the_openapi_problem_list_has_spanish_titles() -> None:
    spanish = catalogue("es")
    statuses = {**openapi.EVERY, **openapi.WRITES, **openapi.SEARCHING}
    for status in statuses:
        titles = problem_messages.TITLES.get(status, ())
        assert titles, f"no problem title for {status}"
        for title in titles:
            assert translated(spanish.get(title)), (status, title)
            assert problem_text.title(title, "es") != title


def test_every_detail_and_validation_message_has_a_spanish_translation() -> None:
    spanish = catalogue("es")
    wanted = (
        *problem_messages.DETAILS,
        *problem_messages.VALIDATION.values(),
        *problem_messages.WORDS,
        *problem_messages.ACTIONS,
        problem_messages.PUBLISH_REQUIREMENTS,
    )
    assert sorted(m for m in wanted if not translated(spanish.get(m))) == []


def _raised(call: Any, *args: Any) -> errors.DomainError:
    with pytest.raises(errors.DomainError) as caught:
        call(*args)
    return caught.value


def test_the_domains_own_messages_are_recognised() -> None:
    """The templates follow the domain's wording: a reworded message fails here."""
    from domain import policy, values
    from domain.access import ANONYMOUS, Role
    from domain.app.search import parse_near

    raised = [
        _raised(values.normalise_licence, "free-for-all"),
        _raised(values.check_kind, "poem"),
        _raised(values.check_language, "español!"),
        _raised(values.check_visibility, "everyone"),
        _raised(values.check_syndication, "everywhere"),
        _raised(values.check_contributors, [{"name": "", "role": "storyteller"}]),
        _raised(values.clean_text, "a\x00b", "title"),
        _raised(parse_near, "north"),
        _raised(parse_near, "95,10"),
        _raised(policy.require_role, ANONYMOUS, Role.EDITOR, "publish artifacts"),
    ]
    for error in raised:
        found = problem_text.recognise(error.detail)
        assert found is not None, error.detail
        spanish = problem_text.detail(error.detail, "es")
        assert spanish != error.detail, error.detail
