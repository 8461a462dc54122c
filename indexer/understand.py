"""What the user meant: the query as typed, read once per request against the index.

Two readings of what was typed, each only where the index supports it:

- **typing converted**: Telex/VNI typed without an input method (``coong
  nghieepj`` -> ``công nghiệp``), where the index knows the converted word
  but not the word as typed; the converted query is what is searched.
- **accents restored**: a query without diacritics gets them put back from
  the index's own spellings (restore.py); the unaccented form is still what
  is searched, the restored one lends ranking its pyvi words and meaning.

``Query`` carries the result; every later step (ranking, highlighting, the
suggestion shown to the user) reads it instead of parsing again.
"""

from dataclasses import dataclass

from indexer import telex
from indexer.analysis import SYLLABLE, syllable_term
from indexer.query import ParsedQuery, parse
from indexer.text import clean, fold

TYPING = "typing"  # suggestion kinds, as the JSON names them
ACCENTS = "accents"


@dataclass(frozen=True)
class Restored:
    """The searched query with its likely accents put back."""

    text: str  # the whole query, syntax kept ("Bắc Giang -"long an"")
    parsed: ParsedQuery


@dataclass(frozen=True)
class Query:
    typed: str  # what the user typed, cleaned
    searched: ParsedQuery  # what is searched: the typed query, or its conversion
    converted: str | None = None  # the query with Telex/VNI converted, when that changed it
    restored: Restored | None = None  # when the query had no accents and some could be put back

    @property
    def meant(self) -> ParsedQuery:
        """The query as the user most likely meant it (accents restored where they were left out)."""
        return self.restored.parsed if self.restored else self.searched

    @property
    def suggestion(self) -> tuple[str, str] | None:
        """(text, kind) of the "Có phải bạn muốn tìm" suggestion, kind TYPING or ACCENTS."""
        if self.restored:
            return self.restored.text, ACCENTS
        if self.converted:
            return self.converted, TYPING
        return None


def understand(view, raw: str, correct: bool = True) -> Query:
    """``raw`` as typed, read against the index of ``view`` (view.View); without ``correct``
    what was typed is searched as it is."""
    typed = clean(raw).strip()
    converted = convert_typing(view, typed) if correct else typed
    searched = parse(converted)
    restored = None
    if view.folding and not searched.accented and not searched.is_empty():
        restored = restore(view, converted)
    return Query(typed, searched, converted if converted != typed else None, restored)


def convert_typing(view, text: str) -> str:
    """``text`` with Telex/VNI words (``coong nghieepj``) converted where the index knows the
    converted word but not the word as typed."""
    folded_field = "body_f" if view.folding else "body"

    def replace(match):
        typed = match.group()
        converted = telex.convert(typed)
        if converted and view.knows("body", syllable_term(converted)) and not view.knows(folded_field, fold(typed)):
            return converted
        return typed

    return SYLLABLE.sub(replace, text)


def restore(view, text: str) -> Restored | None:
    """``text`` with likely accents put back, or None when there is nothing to add; each
    syllable keeps its capital."""
    matches = list(SYLLABLE.finditer(text))
    folded = [syllable_term(m.group()) for m in matches]
    accented = view.restore_accents(folded)
    if accented == folded:
        return None
    parts, cursor = [], 0
    for found, form in zip(matches, accented):
        parts += [text[cursor:found.start()], form.capitalize() if found.group()[:1].isupper() else form]
        cursor = found.end()
    restored = ("".join(parts) + text[cursor:]).strip()
    return Restored(restored, parse(restored))
