"""An index written by an earlier timkiem keeps answering as that timkiem answered.

tests/fixtures/seed-index-2f30b2c is the seed corpus as commit 2f30b2c (before
the per-generation view and the Whoosh internals moved) built it; its
``.answers.json`` holds what that commit's SearchEngine answered on it.  Whoosh
unpickles the schema, analyser and codec of every index by import path, so a
moved class would break old indexes here first.
"""

import json
import re
import shutil

import pytest

from indexer.search import SearchEngine

from tests.conftest import FIXTURES, timkiem

OLD_INDEX = FIXTURES / "seed-index-2f30b2c"
ANSWERS = json.loads((FIXTURES / "seed-index-2f30b2c.answers.json").read_text(encoding="utf-8"))


def unmarked(html: str) -> str:
    return re.sub("</?mark>", "", html)


@pytest.fixture(scope="module")
def old_engine(tmp_path_factory) -> SearchEngine:
    folder = tmp_path_factory.mktemp("old") / "index"
    shutil.copytree(OLD_INDEX, folder)
    return SearchEngine(folder)


@pytest.mark.parametrize("query", [query for query in ANSWERS if not query.startswith("_")])
def test_searches_answer_as_the_version_that_built_the_index(old_engine, query):
    results, expected = old_engine.search(query, per_page=10), ANSWERS[query]
    assert (results.total, results.suggestion) == (expected["total"], expected["suggestion"])
    assert [hit.id for hit in results.hits] == [hit_id for hit_id, _, _ in expected["hits"]]
    assert [hit.score for hit in results.hits] == pytest.approx([score for _, score, _ in expected["hits"]], abs=1e-4)
    # what is marked changed since (the phrase meant, not its lookalikes): the text shown did not
    assert all(unmarked(hit.snippet) for hit in results.hits)


def test_suggestions_and_document_pages_answer_alike(old_engine):
    for typed, suggestions in ANSWERS["_suggest"].items():
        assert old_engine.suggest(typed) == suggestions
    expected = ANSWERS["_document"]
    document = old_engine.document(expected["id"], "long an")
    assert unmarked(document.body_html) == unmarked(expected["body_html"])
    assert [similar.id for similar in document.similar] == expected["similar"]


def test_the_command_line_updates_an_old_index(tmp_path):
    """``timkiem update`` keeps the old segments and adds new ones to them."""
    index, corpus = tmp_path / "index", tmp_path / "corpus"
    shutil.copytree(OLD_INDEX, index)
    corpus.mkdir()
    (corpus / "tin.txt").write_text("Tin mới\nNhà máy thủy điện Sơn La khánh thành.", encoding="utf-8")
    timkiem("update", "--corpus", corpus, "--index", index)
    found = json.loads(timkiem("search", "thuy dien", "--json", "--index", index).stdout)
    assert [hit["id"] for hit in found["hits"]] == ["tin.txt"] and found["total"] == 1
