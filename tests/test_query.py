"""Reading what the user typed as a search (query.parse): pure, no index needed."""

from indexer.query import QueryTerm, parse


def exact(part) -> list[str]:
    return [term.exact for term in part.terms]


def test_words_phrases_exclusions_and_title_are_told_apart():
    parsed = parse('Sở "Công Thương" -"Long An" -xăng title:Giang title:"Bắc Giang" tỉnh')
    assert parsed.plain.text == "Sở tỉnh"
    assert [p.text for p in parsed.phrases] == ["Công Thương"]
    assert [p.text for p in parsed.excluded] == ["Long An", "xăng"]
    assert sorted(p.text for p in parsed.in_title) == ["Bắc Giang", "Giang"]
    assert exact(parsed.phrases[0]) == ["công", "thương"]
    # what is searched for leaves the exclusions out
    assert "Long" not in parsed.wanted and "xăng" not in parsed.wanted and parsed.wanted.startswith("Sở tỉnh Công Thương")


def test_each_syllable_carries_its_exact_and_folded_form_and_the_querys_accents():
    parsed = parse("Đại hội ĐẢNG bo")
    assert parsed.accented
    assert parsed.plain.terms == (QueryTerm("đại", "dai", True), QueryTerm("hội", "hoi", True),
                                  QueryTerm("đảng", "dang", True), QueryTerm("bo", "bo", True))
    plain = parse("dai hoi")
    assert not plain.accented and all(not term.accented for term in plain.plain.terms)


def test_old_tone_placement_is_read_as_the_canonical_one():
    assert exact(parse("hoà thuỷ").plain) == ["hòa", "thủy"]


def test_or_joins_the_two_words_beside_it():
    parsed = parse("Long OR Phúc an")
    assert parsed.alternatives == (("long", "phúc"),)
    assert parsed.plain.text == "Long Phúc an"
    # OR with nothing before it, or lower-case, is a word like any other
    assert parse("OR xăng").alternatives == () and parse("long or phúc").alternatives == ()


def test_syntax_it_cannot_read_is_searched_as_words():
    for noise in ['(((', '"', 'AND', 'title:', '-', '"unbalanced phrase']:
        parsed = parse(noise)
        assert not parsed.phrases and not parsed.excluded and not parsed.in_title
    assert exact(parse('"unbalanced phrase').plain) == ["unbalanced", "phrase"]
    assert parse("((( ]]] -").is_empty()
    assert parse('"" title:""').is_empty()


def test_highlighted_terms_are_the_wanted_ones():
    parsed = parse('giá "xăng dầu" -"Long An"')
    assert [term.exact for term in parsed.highlight_terms()] == ["giá", "xăng", "dầu"]
