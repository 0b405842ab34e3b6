"""Parsing typed queries and finding near spellings."""

from __future__ import annotations

from infra.search.text import TypoIndex, fold, parse, typo_distance


def test_query_syntax_is_only_words() -> None:
    parsed = parse('belonging OR NEAR(x y) "student voice" -grades * (tucson')
    assert parsed.words == ["belonging", "or", "near", "x", "y", "tucson"]
    assert parsed.phrases == [["student", "voice"]]
    assert parsed.excluded == ["grades"]


def test_only_a_word_still_being_typed_is_a_prefix() -> None:
    assert parse("belongin").last_is_prefix
    assert not parse("belongin ").last_is_prefix
    assert not parse('"student voice"').words


def test_folding_matches_the_tokenizer() -> None:
    assert fold("Tucsón ÉCOLE") == "tucson ecole"


def test_typo_distance_counts_transpositions_once_and_first_letters_twice() -> None:
    assert typo_distance("tuscon", "tucson") == 1
    assert typo_distance("belonging", "belongign") == 1
    assert typo_distance("rucson", "tucson") == 2


def test_corrections_respect_word_length() -> None:
    index = TypoIndex({"tucson": 5, "belonging": 3, "voice": 9, "vote": 2})
    assert index.corrections("tuscon") == ["tucson"]
    assert index.corrections("belongnig") == ["belonging"]
    assert index.corrections("vioce") == ["voice"]
    assert index.corrections("vot") == [], "short words allow no typo"


def test_words_of_plain_ascii_text_are_the_folded_words() -> None:
    from infra.search.text import words

    text = "Students' voice: ASSESSMENT_for learning 2024, co-design"
    assert words(text) == [fold(w) for w in ("Students", "voice", "ASSESSMENT_for", "learning",
                                             "2024", "co", "design")]  # fmt: skip
    assert words("Tucsón École") == ["tucson", "ecole"]
