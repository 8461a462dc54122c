"""Saved web pages (``.html``, ``.htm``): the article, its headline, date, site and address.

The page is parsed once with lxml.  The metadata is read from it directly, as news
sites publish it (Open Graph, JSON-LD, ``<time>``, ``<link rel=canonical>``): with
trafilatura's own metadata pass a page took half again as long.  The article's
text is trafilatura's main-content extraction in its fast mode (no second
extractor run as a fallback), which bench/extraction.py measured to find the same
bodies on our pages in about half the time.  Character references are decoded by
the HTML parser, once.
"""

import json
import re
from urllib.parse import urlsplit

import lxml.html
import trafilatura
from lxml import etree

from indexer.formats import Extracted, UndecodableError, Unreadable
from indexer.formats.dates import machine_date
from indexer.formats.scraped import clean_body
from indexer.text import fold

_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?([\w.:-]+)""", re.IGNORECASE)
_SPACES = re.compile(r"\s+")
_TITLE_SEPARATORS = re.compile(r"\s+[-|–—:»]\s+")
_WORD = re.compile(r"\w+")
_ARTICLE_TYPES = {"article", "newsarticle", "reportagenewsarticle", "blogposting", "webpage", "report", "analysisnewsarticle"}
_DATE_KEYS = ("article:published_time", "datepublished", "pubdate", "publishdate", "og:published_time",
              "dc.date.issued", "dc.date", "date", "article:modified_time", "datemodified")


def read_html(data: bytes) -> Extracted:
    tree = _parse(data)
    meta = _meta_tags(tree)
    linked = _json_ld(tree)
    site = meta.get("og:site_name") or linked.get("site", "")
    url = _canonical(tree) or meta.get("og:url", "")
    title = _headline(tree, meta, linked, site, url)
    body = _article_text(tree, title)
    body, written = clean_body(body)
    date = (linked.get("date") and machine_date(linked["date"])) or _meta_date(meta) or _time_element(tree) or written
    return Extracted(title=title, body=body, date=date, source=site, url=url)


def _parse(data: bytes):
    encoding = _encoding(data)
    try:
        tree = lxml.html.document_fromstring(data, parser=lxml.html.HTMLParser(encoding=encoding, remove_comments=True))
    except (etree.ParserError, ValueError) as exc:
        raise Unreadable(f"not a readable HTML page ({exc})") from None
    if tree is None or tree.find("body") is None:
        raise Unreadable("not a readable HTML page (no body)")
    return tree


def _encoding(data: bytes) -> str:
    """UTF-8 unless the page declares another charset and is not valid UTF-8."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        declared = _CHARSET.search(data[:4096])
        if declared is None:
            raise UndecodableError(f"not UTF-8 (invalid byte at offset {exc.start}) and no charset declared") from None
        name = declared.group(1).decode("ascii", "replace")
        try:
            "".encode(name)
        except LookupError:
            raise UndecodableError(f"unknown charset {name!r}") from None
        return name


def _meta_tags(tree) -> dict[str, str]:
    """``<meta>`` values by lower-cased property, name or itemprop; the first of each wins."""
    found: dict[str, str] = {}
    for element in tree.iter("meta"):
        content = element.get("content")
        if not content or not content.strip():
            continue
        for attribute in ("property", "name", "itemprop"):
            key = element.get(attribute)
            if key:
                found.setdefault(key.strip().lower(), _SPACES.sub(" ", content).strip())
    return found


def _json_ld(tree) -> dict[str, str]:
    """Headline, publication date and publisher of the article that the page's JSON-LD describes."""
    found: dict[str, str] = {}
    for script in tree.iterfind(".//script[@type='application/ld+json']"):
        try:
            data = json.loads(script.text or "", strict=False)
        except ValueError:
            continue  # many sites ship JSON-LD with errors; the other sources remain
        for item in _ld_items(data):
            kind = item.get("@type")
            kinds = {str(k).lower() for k in (kind if isinstance(kind, list) else [kind])}
            if not kinds & _ARTICLE_TYPES:
                continue
            for key, name in (("headline", "title"), ("datePublished", "date")):
                if isinstance(item.get(key), str) and item[key].strip():
                    found.setdefault(name, _SPACES.sub(" ", item[key]).strip())
            publisher = item.get("publisher")
            if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
                found.setdefault("site", publisher["name"].strip())
    return found


def _ld_items(data):
    if isinstance(data, list):
        for item in data:
            yield from _ld_items(item)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _ld_items(data["@graph"])


def _canonical(tree) -> str:
    for link in tree.iterfind(".//link[@rel]"):
        if link.get("rel", "").strip().lower() == "canonical" and link.get("href", "").startswith(("http://", "https://")):
            return link.get("href").strip()
    return ""


def _headline(tree, meta: dict, linked: dict, site: str, url: str) -> str:
    """The headline as the page shows it: the article's ``<h1>`` when it names what the metadata
    names (a site's logo is an ``<h1>`` too), else the metadata's title without the site's name."""
    stated = next((value for value in (meta.get("og:title"), linked.get("title"), meta.get("twitter:title"),
                                       _element_text(tree.find(".//title"))) if value), "")
    stated = _without_site_name(stated, site, url)
    for h1 in tree.iterfind(".//h1"):
        shown = _element_text(h1)
        if not shown:
            continue
        if not stated:
            return shown
        if _squeezed(shown) == _squeezed(stated):
            return stated  # the same words; the metadata keeps the spaces that styled spans lose
        if len(_squeezed(shown)) * 2 >= len(_squeezed(stated)) and (
                _squeezed(stated).startswith(_squeezed(shown)) or _overlap(shown, stated) >= 0.6):
            return shown  # the headline shown, where the metadata adds the site or rewords it
    return stated


def _element_text(element) -> str:
    if element is None:
        return ""
    return _SPACES.sub(" ", " ".join(element.itertext())).strip()


def _without_site_name(title: str, site: str, url: str) -> str:
    """``Headline - Chính trị - Tuổi Trẻ Online`` -> ``Headline``, when a trailing part names the site
    (its og:site_name or its host); the short section names before that part go with it."""
    separators = list(_TITLE_SEPARATORS.finditer(title))
    if not separators:
        return title
    parts = _TITLE_SEPARATORS.split(title)
    host = (urlsplit(url).hostname or "").split(".")
    names = [fold(_squeezed(name)) for name in [*_TITLE_SEPARATORS.split(site), *host]
             if len(name) > 3 and name not in ("www", "com", "net", "org", "gov", "edu")]
    for end in range(len(parts) - 1, 0, -1):
        part = fold(_squeezed(parts[end]))
        if len(part) > 3 and any(name in part or part in name for name in names):
            while end > 1 and len(parts[end - 1].split()) <= 3:
                end -= 1
            return title[:separators[end - 1].start()].strip()
    return title


def _squeezed(text: str) -> str:
    return "".join(_WORD.findall(text.casefold()))


def _overlap(a: str, b: str) -> float:
    words_a, words_b = set(_WORD.findall(a.casefold())), set(_WORD.findall(b.casefold()))
    return len(words_a & words_b) / max(1, len(words_a), len(words_b))


def _meta_date(meta: dict) -> str:
    for key in _DATE_KEYS:
        if key in meta and (date := machine_date(meta[key])):
            return date
    return ""


def _time_element(tree) -> str:
    for element in tree.iterfind(".//time[@datetime]"):
        if date := machine_date(element.get("datetime", "")):
            return date
    return ""


def _article_text(tree, title: str) -> str:
    # trafilatura decodes references in the text it returns, which lxml has already decoded:
    # "&" is escaped here so that what it decodes is what the page said ("AT&amp;amp;T" -> "AT&amp;T").
    for text in tree.xpath("//body//text()[contains(., '&')]"):
        parent = text.getparent()
        if text.is_tail:
            parent.tail = parent.tail.replace("&", "&amp;")
        else:
            parent.text = parent.text.replace("&", "&amp;")
    extracted = trafilatura.bare_extraction(tree, fast=True, include_comments=False, include_tables=True,
                                            with_metadata=False)
    text = (extracted.text if extracted is not None else "") or ""
    lines = text.split("\n")
    if lines and title and _squeezed(lines[0]) == _squeezed(title):
        lines = lines[1:]  # the headline, shown apart
    return "\n".join(lines).strip()
