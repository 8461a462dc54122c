"""`timkiem export --format opensearch-bulk`: NDJSON the bulk API accepts, with a mapping that fits it."""

import json
import re

import pytest

from indexer.export import DOCUMENTS_FILE, MAPPING_FILE
from indexer.search import SearchEngine
from indexer.text import fold
from tests.conftest import timkiem


@pytest.fixture(scope="module")
def exported(news_index, tmp_path_factory):
    output = tmp_path_factory.mktemp("export")
    result = timkiem("export", "--format", "opensearch-bulk", "--index", news_index, "--output", output,
                     "--name", "tin-tuc", "--workers", "2")
    assert "Exported 24 documents" in result.stdout
    mapping = json.loads((output / MAPPING_FILE).read_text(encoding="utf-8"))
    raw = (output / DOCUMENTS_FILE).read_text(encoding="utf-8")
    return mapping, raw


def test_bulk_file_is_action_and_source_lines(exported):
    _, raw = exported
    assert raw.endswith("\n")  # the bulk API needs the final newline
    lines = [json.loads(line) for line in raw.splitlines()]
    actions, sources = lines[0::2], lines[1::2]
    assert len(actions) == len(sources) == 24
    assert all(list(a) == ["index"] and a["index"]["_index"] == "tin-tuc" for a in actions)
    assert len({a["index"]["_id"] for a in actions}) == 24


def test_every_field_is_in_the_strict_mapping_with_the_right_shape(exported, news_index):
    mapping, raw = exported
    properties = mapping["mappings"]["properties"]
    assert mapping["mappings"]["dynamic"] == "strict"  # an unmapped field would be refused
    engine = SearchEngine(news_index)
    for action, source in zip(*[iter(json.loads(line) for line in raw.splitlines())] * 2):
        assert set(source) <= set(properties)
        if "date" in source:
            assert re.fullmatch(r"\d{4}(-\d{2}){0,2}", source["date"])
        stored = engine.document(action["index"]["_id"])
        assert source["title"] == stored.title and source["source"] == stored.source
        for part in ("title", "body"):
            assert source[f"{part}_folded"] == fold(source[f"{part}_syllables"])
            assert all("_" in word for word in source[f"{part}_words"].split())
        assert all(pair.count("_") == 1 for pair in source["pairs"].split())


def test_analysis_is_timkiems(exported):
    _, raw = exported
    first = json.loads(raw.splitlines()[1])  # kt-01: "Giá lúa tăng mạnh ở đồng bằng sông Cửu Long"
    assert first["title_syllables"].split()[:3] == ["giá", "lúa", "tăng"]
    assert "đồng_bằng" in first["title_words"].split() and "cửu_long" in first["title_words"].split()
    assert "dong_bang" in first["pairs"].split()
