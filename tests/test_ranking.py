"""What ranking.plan makes of a parsed query: pure, no index needed."""

from indexer.query import parse
from indexer.ranking import FOLDED_WEIGHT, PAIR_BONUS, QUESTION_WEIGHT, TITLE_BOOST, WORD_BONUS, plan


def fields_of(form) -> list[tuple[str, str, float]]:
    _, fields = form
    return fields


def test_an_accented_syllable_counts_exactly_and_folded_at_a_lower_weight():
    (clause,) = plan(parse("đường"), folding=True).clauses
    (exact_weight, exact), (folded_weight, folded) = clause.forms
    assert (exact_weight, folded_weight) == (1.0, FOLDED_WEIGHT)
    assert exact == [("body", "đường", 1.0), ("title", "đường", TITLE_BOOST)]
    assert folded == [("body_f", "duong", 1.0), ("title_f", "duong", TITLE_BOOST)]


def test_an_unaccented_syllable_counts_through_its_folded_form_only():
    (clause,) = plan(parse("duong"), folding=True).clauses
    assert [(weight, fields[0][0]) for weight, fields in clause.forms] == [(1.0, "body_f")]


def test_without_folding_every_syllable_is_exact():
    query_plan = plan(parse("duong pho"), folding=False)
    assert [[fields[0] for _, fields in clause.forms] for clause in query_plan.clauses] == [
        [("body", "duong", 1.0)], [("body", "pho", 1.0)]]
    assert not [bonus for bonus in query_plan.bonus if bonus[1][0][0] == "pairs_f"]


def test_adjacent_syllables_and_pyvi_words_earn_bonuses():
    query_plan = plan(parse("khu công nghiệp"), folding=True)
    pairs = [fields[0][1] for weight, fields in query_plan.bonus if weight == PAIR_BONUS]
    words = [fields[0][1] for weight, fields in query_plan.bonus if weight == WORD_BONUS]
    assert pairs == ["khu cong", "cong nghiep"]
    assert "công_nghiệp" in words


def test_an_unaccented_query_takes_its_words_from_the_restored_form():
    words = [fields[0][1] for weight, fields in plan(parse("cong nghiep"), True, "công nghiệp").bonus
             if weight == WORD_BONUS]
    assert words == ["công_nghiệp"]
    assert not [w for w, _ in plan(parse("cong nghiep"), True).bonus if w == WORD_BONUS]


def test_question_words_weigh_little_and_do_not_count_for_all_words():
    clauses = plan(parse("giá xăng bao nhiêu"), folding=True).clauses
    weak = [clause for clause in clauses if clause.weight == QUESTION_WEIGHT]
    assert len(weak) == 2 and not any(clause.counts for clause in weak)
    # a query of question words only is what it asks
    assert all(clause.weight == 1.0 for clause in plan(parse("bao nhiêu"), folding=True).clauses)


def test_phrases_exclusions_and_or():
    query_plan = plan(parse('"công nghiệp" -xăng -"Long An" Long OR Phúc'), folding=True)
    assert query_plan.phrases[0].pairs == ["cong nghiep"] and query_plan.phrases[0].pairs_decide
    phrase, word = query_plan.excluded  # quoted exclusions are read first
    assert phrase.pairs == ["long an"]
    assert ("body_f", "xang") in word.any_of  # one word: holding any of its forms excludes
    merged = [clause for clause in query_plan.clauses
              if {fields[0][1] for _, fields in clause.forms} == {"long", "phúc", "phuc"}]
    assert merged, "Long OR Phúc is one clause that either word satisfies"
