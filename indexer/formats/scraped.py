"""Text scraped from websites (``.txt``, ``.md``, a JSONL record's ``text``, text read from
PDF, Word and HTML): the headline, the date, the article without the site's chrome.

The rules are data (``chrome.toml``): phrases and patterns of lines that are site
chrome.  Chrome sits around an article, so only the first HEAD_LINES lines are read for
the headline and date, and only the last TAIL_LINES for the headers of what follows the
article; lines dropped anywhere (share buttons, counters) are looked for among the short
lines only, and picture file names on lines that hold a picture's extension.  A text
without any of it comes back as it was.
"""

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from indexer.formats.dates import date_line, leading_date

HEAD_LINES = 6  # non-empty lines read for the headline and a date line
TAIL_LINES = 12  # non-empty lines in which a header of related articles, tags … ends the article
TITLE_CHARS = 200  # a longer first line is a paragraph, not a headline
CHROME_CHARS = 120  # a longer line is never a button, counter or breadcrumb

_RULES = tomllib.loads((Path(__file__).with_name("chrome.toml")).read_text(encoding="utf-8"))
_EDGE = r"[\s•·*+>\-–—]*"  # bullets, dashes and spaces around a chrome line


def _line_rule(section: dict) -> re.Pattern:
    alternatives = [re.escape(phrase) for phrase in section["phrases"]] + section["patterns"]
    return re.compile(rf"{_EDGE}(?:{'|'.join(alternatives)}){_EDGE}:?\s*", re.IGNORECASE)


_ANYWHERE = _line_rule(_RULES["anywhere"])
_ENDING = _line_rule(_RULES["ending"])
_EXTENSIONS = "|".join(_RULES["pictures"]["extensions"])
_PICTURE_HINT = re.compile(rf"\.(?:{_EXTENSIONS})\b", re.IGNORECASE)  # cheap: found before the rule is tried
_PICTURE_NAME = re.compile(rf"(?:^|(?<=\s{{3}}))[ \t]*[\w\-.()~%]+\.(?:{_EXTENSIONS})[ \t]*(?=\s{{3}}|$)",
                           re.IGNORECASE)
_DATE_LABEL = re.compile(rf"\s*(?:{'|'.join(map(re.escape, _RULES['dates']['labels']))})\s*:?\s+", re.IGNORECASE)
_SENTENCE_END = re.compile(r"[.!?…](?=\s+[A-ZÀ-Ỹ\"“])")
_BLANK_RUNS = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class Scraped:
    title: str
    body: str
    date: str = ""


def read_scraped(text: str, markdown: bool = False) -> Scraped:
    """Headline, body and date of a scraped article: the first line that is not chrome (nor a
    date) is the headline, the rest the body."""
    lines = text.split("\n")
    cleaner = _Cleaner(lines)
    title_at = cleaner.read_head(with_title=True)
    if title_at is None:
        return Scraped("", "", cleaner.date)
    title = lines[title_at].strip()
    if markdown:
        title = title.lstrip("#").strip()
    body_at = title_at + 1
    if _is_paragraph(title):  # no headline: the lead's first sentence names the article
        title, body_at = _first_sentence(title), title_at
    cleaner.read_tail(after=title_at)
    if not cleaner.changed:
        return Scraped(title, "\n".join(lines[body_at:]).strip(), cleaner.date)
    return Scraped(title, cleaner.text(start=body_at), cleaner.date)


def clean_body(text: str) -> tuple[str, str]:
    """(the text without site chrome, the date of a date line near its top or ''); the text
    itself when it has no chrome."""
    lines = text.split("\n")
    cleaner = _Cleaner(lines)
    first = cleaner.read_head(with_title=False)
    if first is None:
        return ("", cleaner.date) if cleaner.changed else (text, "")
    cleaner.read_tail(after=first)
    return (cleaner.text(start=0), cleaner.date) if cleaner.changed else (text, "")


def is_chrome(line: str) -> bool:
    return _ANYWHERE.fullmatch(line) is not None


class _Cleaner:
    """The lines of one text and what is dropped from them."""

    def __init__(self, lines: list[str]):
        self.lines = lines
        self.drop: set[int] = set()
        self.edited = False
        self.date = ""
        self.drop.update(i for i, line in enumerate(lines) if len(line) <= CHROME_CHARS and is_chrome(line))
        for i, line in enumerate(lines):
            if _PICTURE_HINT.search(line):
                rest = _PICTURE_NAME.sub("", line)
                if rest != line:
                    self.lines[i], self.edited = rest.strip(), True
                    if not rest.strip():
                        self.drop.add(i)

    @property
    def changed(self) -> bool:
        return self.edited or bool(self.drop)

    def read_head(self, with_title: bool) -> int | None:
        """Drops the chrome and date lines at the top (keeping the first date); returns the
        index of the first line of content (the headline, with ``with_title``)."""
        first, seen = None, 0
        for i, line in enumerate(self.lines):
            if not line.strip() or i in self.drop:
                continue
            seen += 1
            if seen > HEAD_LINES:
                break
            dated = _dated(line)
            if dated is not None:
                date, rest = dated
                self.date = self.date or date
                if not rest:
                    self.drop.add(i)
                    continue
                self.lines[i], self.edited = rest, True
            if first is not None:
                break  # the second line of content: the body has begun
            first = i
            if not with_title:
                break
        return first

    def read_tail(self, after: int) -> None:
        """Drops a header of what follows the article, among the last lines, and all after it."""
        tail = [i for i in range(len(self.lines) - 1, after, -1)
                if self.lines[i].strip() and i not in self.drop][:TAIL_LINES]
        for i in reversed(tail):
            if _ENDING.fullmatch(self.lines[i]):
                kept = sum(len(line) for line in self.lines[:i])
                if kept >= sum(len(line) for line in self.lines[i:]):  # never the article's larger part
                    self.drop.update(range(i, len(self.lines)))
                return

    def text(self, start: int) -> str:
        kept = (line if line.strip() else "" for i, line in enumerate(self.lines[start:], start)
                if i not in self.drop)
        return _BLANK_RUNS.sub("\n\n", "\n".join(kept)).strip()


def _dated(line: str) -> tuple[str, str] | None:
    """(date, rest of the line) for a date line, or a line that starts with a date label."""
    if date := date_line(line):
        return date, ""
    label = _DATE_LABEL.match(line)
    return leading_date(line[label.end():]) if label else None


def _is_paragraph(line: str) -> bool:
    return line.endswith((".", "!", "?", "…")) and (len(line) > TITLE_CHARS or _SENTENCE_END.search(line) is not None)


def _first_sentence(paragraph: str) -> str:
    end = _SENTENCE_END.search(paragraph)
    sentence = paragraph[:end.start()] if end else paragraph.rstrip(".")
    if len(sentence) > TITLE_CHARS:
        sentence = sentence[:TITLE_CHARS].rsplit(" ", 1)[0] + " …"
    return sentence
