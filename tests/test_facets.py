"""Facet counts, filters and date order on tests/fixtures/news (24 articles with metadata)."""

import json
from pathlib import Path

import pytest

from indexer.search import InvalidRequest

ARTICLES = [json.loads(line) for line in
            (Path(__file__).parent / "fixtures" / "news" / "articles.jsonl").read_text(encoding="utf-8").splitlines()]


def counts(results, facet):
    return {item.value: item.count for item in results.facets[facet]}


def test_facet_counts_cover_every_match(news_engine):
    results = news_engine.search("tỉnh", per_page=100)
    by_category = counts(results, "category")
    assert sum(by_category.values()) == results.total  # every article has a category
    hits = {hit.id: hit for hit in results.hits}
    for category, count in by_category.items():
        assert count == sum(hit.category == category for hit in hits.values())
    assert counts(results, "year")  # years come from the dates
    assert all(len(year) == 4 for year in counts(results, "year"))


def test_filter_keeps_only_chosen_values_and_ors_within_a_facet(news_engine):
    one = news_engine.search("giá", filters={"category": ("Kinh tế",)}, per_page=100)
    assert one.total and all(hit.category == "Kinh tế" for hit in one.hits)
    two = news_engine.search("giá", filters={"category": ("Kinh tế", "Nông nghiệp")}, per_page=100)
    assert {hit.category for hit in two.hits} == {"Kinh tế", "Nông nghiệp"}
    assert two.total == one.total + counts(one, "category")["Nông nghiệp"]


def test_filters_across_facets_combine_and_counts_stay_disjunctive(news_engine):
    results = news_engine.search("giá", filters={"source": ("Báo Công Thương",), "year": ("2024",)}, per_page=100)
    assert results.total
    assert all(hit.source == "Báo Công Thương" and hit.date.startswith("2024") for hit in results.hits)
    # The source facet counts ignore the source filter (other sources stay choosable) but apply the year.
    everything = news_engine.search("giá", filters={"year": ("2024",)}, per_page=100)
    assert counts(results, "source") == counts(everything, "source")
    assert [item.value for item in results.facets["source"] if item.selected] == ["Báo Công Thương"]


def test_unaccented_filter_query_matches_like_accented(news_engine):
    accented = news_engine.search("giá", filters={"category": ("Kinh tế",)})
    plain = news_engine.search("gia", filters={"category": ("Kinh tế",)})
    assert {h.id for h in accented.hits} <= {h.id for h in plain.hits}


def test_a_chosen_value_nothing_has_is_still_listed_and_removable(news_engine):
    results = news_engine.search("giá", filters={"category": ("Không có",)})
    assert results.total == 0
    assert [(i.value, i.count, i.selected) for i in results.facets["category"] if i.selected] == [("Không có", 0, True)]


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_date_sort_orders_dated_documents_and_puts_undated_last(news_engine, sort):
    results = news_engine.search("tỉnh", sort=sort, per_page=100)
    dates = [hit.date for hit in results.hits]
    dated = [d for d in dates if d]
    assert dated == sorted(dated, reverse=sort == "newest")
    assert dates[len(dated):] == [""] * (len(dates) - len(dated))  # undated after every dated one
    assert "" in dates  # tt-04 has no date and mentions the province


def test_date_sort_pages_continue_each_other(news_engine):
    everything = [hit.id for hit in news_engine.search("giá", sort="newest", per_page=100).hits]
    pages = range(1, len(everything) // 4 + 2)
    paged = [hit.id for page in pages for hit in news_engine.search("giá", sort="newest", per_page=4, page=page).hits]
    assert paged == everything


@pytest.mark.parametrize("kwargs, code", [
    ({"sort": "popular"}, "bad_sort"), ({"filters": {"author": ("x",)}}, "bad_filter"),
    ({"filters": {"source": tuple(str(i) for i in range(51))}}, "bad_filter"),
])
def test_bad_sort_or_filter_is_refused(news_engine, kwargs, code):
    with pytest.raises(InvalidRequest) as refused:
        news_engine.search("giá", **kwargs)
    assert refused.value.code == code


def test_fixture_has_what_the_tests_need():
    assert len({a["source"] for a in ARTICLES}) >= 3 and len({a["category"] for a in ARTICLES}) >= 4
    assert any("date" not in a for a in ARTICLES)
