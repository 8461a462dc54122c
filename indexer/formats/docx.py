"""Word files (``.docx``): paragraphs and tables in document order (python-docx), the title
from the document's properties or its first heading, the date from the text or the properties."""

import datetime
from pathlib import Path

import docx
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.paragraph import Paragraph

from indexer.formats import Extracted, Unreadable
from indexer.formats.plain import read_plain

_HEADING_STYLES = ("title", "heading 1", "heading1")
# python-docx's own template carries this creation date: a file it made has no date of its own.
_TEMPLATE_CREATED = datetime.datetime(2013, 12, 23, 23, 15)
_HEADING_WITHIN = 5  # paragraphs from the top in which a heading is the document's title


def read_docx(path: Path) -> Extracted:
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # python-docx reports a broken package through many exception types
        raise Unreadable(f"damaged Word file ({type(exc).__name__}: {str(exc)[:120]})") from None
    lines, heading = [], ""
    for block in _blocks(document):
        if isinstance(block, Paragraph):
            text = block.text.strip()
            style = (block.style.name if block.style is not None else "").lower()
            if text and not heading and style in _HEADING_STYLES and len(lines) < _HEADING_WITHIN:
                heading = text
            lines.append(text)
        else:
            lines.extend(_rows(block))
    properties = document.core_properties
    text = read_plain("\n".join(lines), title=(properties.title or "").strip() or heading)
    created = properties.created
    created = created.date().isoformat() if created and created.replace(tzinfo=None) != _TEMPLATE_CREATED else ""
    return Extracted(title=text.title, body=text.body, date=text.date or created)


def _blocks(document):
    """Paragraphs and tables of the body, in the order they appear."""
    for child in document.element.body.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, document)
        elif child.tag == qn("w:tbl"):
            yield Table(child, document)


def _rows(table: Table) -> list[str]:
    """One line per row, its cells separated by " | " (a merged cell counted once)."""
    rows = []
    for row in table.rows:
        cells = []
        for cell in row.cells:
            text = " ".join(cell.text.split())
            if text and (not cells or cells[-1] != text):
                cells.append(text)
        if cells:
            rows.append(" | ".join(cells))
    return rows
