"""Problem titles and details in the reader's language (English and Spanish so far).

The ``type`` of a problem and its machine-readable fields stay English; its ``title``
and ``detail`` follow the request's language (``Accept-Language``, or the language
chosen on the pages). A detail is translated from the template an error carries
(:meth:`domain.errors.DomainError.from_template`), or else from the English template
it matches in ``problem_messages.DETAILS``; a message no template knows stays English.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping, Sequence
from typing import Any

from babel.support import NullTranslations

from services.api import problem_messages as messages

_PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def _i18n() -> Any:
    # The pages' language module; imported late, because the web package imports the
    # API's modules (responses, problems) while it loads.
    from services.api.web import i18n

    return i18n


def current_language() -> str:
    """The language of the request being handled (English outside a request)."""
    return str(_i18n().current())


def language_of(scope: Any) -> str:
    """The language of a request, also where the language middleware has not run yet."""
    return str(_i18n().language_of(scope))


def catalogue(lang: str) -> NullTranslations:
    result: NullTranslations = _i18n().translations(lang)
    return result


def _pattern(template: str) -> re.Pattern[str]:
    parts = _PLACEHOLDER.split(template)
    regex = "".join(
        f"(?P<{part}>.+?)" if odd else re.escape(part) for odd, part in _alternate(parts)
    )
    return re.compile(regex, re.DOTALL)


def _alternate(parts: Sequence[str]) -> list[tuple[bool, str]]:
    return [(index % 2 == 1, part) for index, part in enumerate(parts)]


@functools.cache
def _patterns() -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple((_pattern(template), template) for template in messages.DETAILS)


def recognise(detail: str) -> tuple[str, dict[str, str]] | None:
    """The template an English detail was written from, and its variable parts."""
    for pattern, template in _patterns():
        found = pattern.fullmatch(detail)
        if found:
            return template, found.groupdict()
    return None


def _render(translations: NullTranslations, template: str, params: Mapping[str, object]) -> str:
    values = {
        name: translations.gettext(str(value)) if name in messages.TRANSLATED_PARAMS else value
        for name, value in params.items()
    }
    try:
        return translations.gettext(template) % values
    except (KeyError, TypeError, ValueError):
        return template % dict(params)


def title(english: str, lang: str) -> str:
    return catalogue(lang).gettext(english) if lang != "en" else english


def detail(english: str, lang: str, *, template: str | None = None, **params: object) -> str:
    """``english`` in ``lang``: from ``template`` and ``params`` if given, else recognised."""
    if lang == "en":
        return english
    translations = catalogue(lang)
    if template is None:
        found = recognise(english)
        if found is None:
            return english
        template, params = found[0], dict(found[1])
    return _render(translations, template, params)


def publish_requirements(missing: Sequence[str], lang: str) -> str:
    """The publish checklist's message, its lines as the pages' checklist words them."""
    from services.api.web.labels import checklist_line

    i18n = _i18n()
    with i18n.use(lang):
        lines = "; ".join(checklist_line(line) for line in missing)
    return _render(catalogue(lang), messages.PUBLISH_REQUIREMENTS, {"missing": lines})


def validation_message(error: Mapping[str, Any], lang: str) -> str:
    """A request validator's message in ``lang``, by its error type and context."""
    english = str(error.get("msg", ""))
    template = messages.VALIDATION.get(str(error.get("type")))
    if lang == "en" or template is None:
        return english
    context = {k: str(v) for k, v in (error.get("ctx") or {}).items()}
    if set(_PLACEHOLDER.findall(template)) - set(context):
        return english
    return _render(catalogue(lang), template, context)
