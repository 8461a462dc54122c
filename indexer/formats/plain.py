"""Plain text (``.txt``, ``.md``) and the text that PDF and Word files hold: the headline,
date and body of a scraped article, references such as ``&amp;`` decoded."""

import re

from indexer.formats import Extracted
from indexer.formats.scraped import clean_body, read_scraped
from indexer.text import clean, decode_entities

_WORD = re.compile(r"\w+")


def read_plain(text: str, markdown: bool = False, title: str = "") -> Extracted:
    """With ``title`` (from a file's properties) the text is all body, less a first line that
    repeats the title; without, its headline is found as in scraped text."""
    text = decode_entities(clean(text))
    if not title:
        scraped = read_scraped(text, markdown=markdown)
        return Extracted(scraped.title, scraped.body, scraped.date)
    title = decode_entities(clean(title)).strip()
    body, date = clean_body(text)
    first, _, rest = body.partition("\n")
    if same_words(first, title):
        body = rest.strip()
    return Extracted(title, body, date)


def same_words(a: str, b: str) -> bool:
    """The same words in the same order, whatever the spaces and punctuation between them."""
    return _WORD.findall(a.casefold()) == _WORD.findall(b.casefold())
