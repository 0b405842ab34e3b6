"""Guided capture: a few questions per kind whose answers become the Markdown text.

Each answer is a section of the text under its own ``## heading`` (in the language of
the page it was typed on), so the draft stays plain Markdown that the full editor can
change; reading a text back into answers finds those headings again and keeps
anything else in "more", so nothing typed in the full editor is lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from services.api.web.i18n import N_, gettext


@dataclass(frozen=True)
class Prompt:
    key: str
    heading: str  # message id; the section's heading in the text
    question: str  # message id; the field's label
    hint: str  # message id; the help under the label


PROMPTS: dict[str, tuple[Prompt, ...]] = {
    "story": (
        Prompt(
            "who",
            N_("Who"),
            N_("Who is this story about?"),
            N_("The people it happened to, by the names they agreed to show."),
        ),
        Prompt(
            "where",
            N_("Where"),
            N_("Where did it happen?"),
            N_("The school, the neighbourhood, the room, the riverbank."),
        ),
        Prompt(
            "what-happened",
            N_("What happened"),
            N_("What happened?"),
            N_("Tell it in order, as you would tell a friend."),
        ),
        Prompt(
            "what-changed",
            N_("What changed"),
            N_("What changed?"),
            N_("For the students, the teachers, the families or the place."),
        ),
        Prompt(
            "what-next",
            N_("What comes next"),
            N_("What comes next?"),
            N_("What you will try, or what you hope others will try."),
        ),
    ),
    "presentation-of-learning": (
        Prompt(
            "presenters",
            N_("Presenters"),
            N_("Who presented? A presenter or a group"),
            N_("Names they agreed to show, or the name of the group."),
        ),
        Prompt(
            "evidence",
            N_("The evidence"),
            N_("What evidence of learning did they show?"),
            N_("Work, recordings, photos, what people said. Add photos and recordings below."),
        ),
        Prompt(
            "reflection",
            N_("Reflection"),
            N_("What did they reflect on?"),
            N_("What they learned, and how they know they learned it."),
        ),
    ),
    "excursion-synthesis": (
        Prompt(
            "question",
            N_("The question"),
            N_("What question did the excursion set out to answer?"),
            N_("One sentence is enough."),
        ),
        Prompt(
            "saw",
            N_("What we saw"),
            N_("What did you see?"),
            N_("Places, classrooms, practices."),
        ),
        Prompt(
            "told",
            N_("What we were told"),
            N_("What were you told?"),
            N_("By students, teachers, families, elders."),
        ),
        Prompt(
            "concluded",
            N_("What we concluded"),
            N_("What did you conclude?"),
            N_("What the group agreed on, and where it did not agree."),
        ),
        Prompt(
            "take-home",
            N_("Questions we take home"),
            N_("Which questions do you take home?"),
            N_("The ones still open for your own place."),
        ),
    ),
}
MORE = "more"
MORE_HEADING = N_("Anything else")


def prompts_for(kind: str) -> tuple[Prompt, ...]:
    return PROMPTS.get(kind, PROMPTS["story"])


def compose(kind: str, answers: dict[str, str]) -> str:
    """The Markdown text: each answered prompt under its heading, then the rest (under
    "Anything else" unless it starts with a heading of its own)."""
    sections = []
    for prompt in prompts_for(kind):
        answer = _clean(answers.get(prompt.key, ""))
        if answer:
            sections.append(f"## {gettext(prompt.heading)}\n\n{answer}")
    more = _clean(answers.get(MORE, ""))
    if more and not more.startswith("## "):  # a heading keeps it apart from the last answer
        more = f"## {gettext(MORE_HEADING)}\n\n{more}"
    if more:
        sections.append(more)
    return "\n\n".join(sections) + ("\n" if sections else "")


def answers_from(kind: str, body: str) -> dict[str, str]:
    """The answers a text holds: the sections under the prompts' headings (in English or
    in the page's language); text before them or under other headings is "more"."""
    headings: dict[str, str] = {}
    headings[MORE_HEADING.casefold()] = headings[gettext(MORE_HEADING).casefold()] = MORE
    for prompt in prompts_for(kind):
        headings[prompt.heading.casefold()] = prompt.key
        headings[gettext(prompt.heading).casefold()] = prompt.key
    answers: dict[str, list[str]] = {MORE: []}
    current = MORE
    for line in body.replace("\r\n", "\n").split("\n"):
        if line.startswith("## "):
            key = headings.get(line[3:].strip().casefold())
            if key == MORE:
                current = MORE
                continue
            if key is not None and key not in answers:
                current = key
                answers[key] = []
                continue
            current = MORE
        answers[current].append(line)
    return {key: _clean("\n".join(lines)) for key, lines in answers.items()}


def _clean(text: str) -> str:
    return text.replace("\r\n", "\n").strip()


def same_text(current: dict[str, Any], title: str, body: str) -> bool:
    return (current.get("title") or "") == title and _clean(current.get("body") or "") == _clean(
        body
    )
