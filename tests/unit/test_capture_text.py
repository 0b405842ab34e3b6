"""Guided capture's answers and the Markdown text they become, and back."""

from __future__ import annotations

from services.api.web.capture import MORE, answers_from, compose, prompts_for
from services.api.web.i18n import use


def test_every_kind_asks_its_own_questions() -> None:
    assert [p.key for p in prompts_for("story")] == [
        "who",
        "where",
        "what-happened",
        "what-changed",
        "what-next",
    ]
    assert [p.key for p in prompts_for("presentation-of-learning")] == [
        "presenters",
        "evidence",
        "reflection",
    ]
    assert len(prompts_for("excursion-synthesis")) == 5


def test_answers_become_sections_and_read_back_the_same() -> None:
    answers = {"who": "Ms. Okafor", "what-happened": "We planted.\n\n## Not a prompt\nBeans."}
    body = compose("story", answers)
    expected = (
        "## Who\n\nMs. Okafor\n\n## What happened\n\nWe planted.\n\n## Not a prompt\nBeans.\n"
    )
    assert body == expected
    back = answers_from("story", body)
    assert back["who"] == "Ms. Okafor"
    assert back["what-happened"] == "We planted."
    # A heading of the writer's own ends the answer and is kept, under "more".
    assert back[MORE] == "## Not a prompt\nBeans."


def test_text_written_elsewhere_is_kept_under_more_and_survives_a_round_trip() -> None:
    body = "An opening paragraph.\n\n## Where\n\nThe garden.\n\n## Credits\n\nThanks to all.\n"
    back = answers_from("story", body)
    assert back["where"] == "The garden."
    assert back[MORE] == "An opening paragraph.\n\n## Credits\n\nThanks to all."
    again = compose("story", back)
    assert "An opening paragraph." in again and "## Credits" in again
    assert answers_from("story", again) == {**back, MORE: back[MORE]}


def test_headings_follow_the_page_language_and_either_language_reads_back() -> None:
    with use("es"):
        body = compose("excursion-synthesis", {"saw": "Semillas."})
        assert body == "## Qué vimos\n\nSemillas.\n"
        assert answers_from("excursion-synthesis", "## What we saw\n\nSeeds.")["saw"] == "Seeds."
    assert compose("story", {}) == ""


def test_anything_else_is_kept_apart_from_the_last_answer() -> None:
    body = compose("story", {"what-next": "A harvest.", MORE: "Thanks to the families."})
    expected = "## What comes next\n\nA harvest.\n\n## Anything else\n\nThanks to the families.\n"
    assert body == expected
    assert answers_from("story", body) == {
        "what-next": "A harvest.",
        MORE: "Thanks to the families.",
    }
