"""Dates as documents write them -> ISO text (``2024-05-01``, or ``2024-05`` / ``2024``).

Three sources, three readings: a metadata field (``iso_date``, or ``machine_date``
for what a CMS wrote: ISO, or US month-first when it says AM/PM), and a line a
person reads near the headline (``date_line``: ``Thứ 5, 28.05.2020 | 10:10:03``,
``29/05/2020 - 19:54``, ``Hà Nội, ngày 20 tháng 1 năm 2020``), day first as
Vietnamese write dates.
"""

import datetime
import re

_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ].*)?")
_DAY_FIRST = re.compile(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})(?:[T ,].*)?")
_MONTH_FIRST = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})\s+\d{1,2}:\d{2}(?::\d{2})?\s*[AP]M", re.IGNORECASE)

_DATE = r"(?:\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{4}-\d{1,2}(?:-\d{1,2})?|ngày\s+\d{1,2}\s+tháng\s+\d{1,2}\s+năm\s+\d{4})"
_TIME = r"(?:lúc\s*)?\d{1,2}[:h]\d{2}(?::\d{2})?(?:\s*(?:AM|PM|SA|CH))?(?:\s*\(?(?:GMT|UTC)\s*[+-]\s*\d{1,2}\)?)?"
_WEEKDAY = r"(?:thứ\s*(?:[2-7]|hai|ba|tư|năm|sáu|bảy)|chủ\s*nhật|CN|T[2-7])"
_SEPARATOR = r"\s*[,|\-–]?\s*"
# A whole line that is a date and nothing else: an optional place ("Hà Nội, "), weekday,
# "ngày", the date, an optional time before or after it.
_DATE_LINE = re.compile(
    rf"(?:[^\W\d_][^\d,]{{0,30}},\s*)?(?:{_TIME}{_SEPARATOR})?(?:{_WEEKDAY}{_SEPARATOR})?(?:ngày\s*)?"
    rf"(?P<date>{_DATE})(?:{_SEPARATOR}{_TIME})?\.?", re.IGNORECASE)
_SPELLED = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)


def iso_date(text: str) -> str:
    """``2024-05-01``, ``2024-05-01T10:00``, ``1/5/2024`` -> ``2024-05-01``; ``2024-05`` and ``2024``
    stay as precise as given; anything else -> ''."""
    if match := _ISO_DATE.fullmatch(text):
        year, month, day = match.groups()
    elif match := _DAY_FIRST.fullmatch(text):
        day, month, year = match.groups()
    elif match := _SPELLED.fullmatch(text):
        day, month, year = match.groups()
    else:
        return ""
    return _checked(year, month, day)


def machine_date(text: str) -> str:
    """A date from page or file metadata: ISO, or month-first when a 12-hour clock says it is US-style."""
    text = text.strip()
    if match := _MONTH_FIRST.match(text):
        month, day, year = match.groups()
        return _checked(year, month, day)
    return iso_date(text)


def date_line(line: str) -> str | None:
    """The ISO date of a line that is only a date (with weekday, time, place), else None."""
    if len(line) > 80 or not any(ch.isdigit() for ch in line):
        return None
    match = _DATE_LINE.fullmatch(line.strip())
    if match is None:
        return None
    return iso_date(match.group("date")) or None


def _checked(year: str, month: str | None, day: str | None) -> str:
    parts = [int(year)] + [int(p) for p in (month, day) if p is not None]
    try:
        datetime.date(*(parts + [1, 1])[:3])  # a real day of a real month
    except ValueError:
        return ""
    return "-".join([f"{parts[0]:04d}"] + [f"{value:02d}" for value in parts[1:]])


def leading_date(text: str) -> tuple[str, str] | None:
    """(ISO date, the rest) when ``text`` starts with a date line's date: ``2020-01 Ngày 20/1 …``."""
    match = _DATE_LINE.match(text)
    if match is None or (match.end() < len(text) and text[match.end()].isalnum()):
        return None
    date = iso_date(match.group("date"))
    return (date, text[match.end():].lstrip(" ,|-–")) if date else None
