# ruff: noqa: RUF001 (typographic quotes and apostrophes are what articles print)
"""Reading an article (plain text, Markdown or HTML) into the text every selector points into,
splitting it into sentences and anchoring words in it (:class:`~govkg.ingest.model.Selector`)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import lxml.html
from lxml.etree import ParserError

from govkg.errors import LoadError
from govkg.ingest.model import Article, Selector

MAX_BYTES = 5 * 1024 * 1024
CONTEXT = 32
HTML_SUFFIXES = (".html", ".htm", ".xhtml")
BLOCKS = (
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table",
    "blockquote", "section", "article", "header", "footer", "pre", "figcaption", "dd", "dt",
)  # fmt: skip
DATE_META = ("article:published_time", "date", "pubdate", "dc.date", "dcterms.date", "publish-date")


class ArticleError(LoadError):
    """An article file that cannot be read as text."""


def read_article(
    path: str | Path, *, title: str = "", url: str = "", outlet: str = "", published: str = ""
) -> Article:
    """The article in ``path``; options given win over what the file says."""
    path = Path(path)
    text = _decode(path, _read_bytes(path))
    if path.suffix.lower() in HTML_SUFFIXES or re.match(r"\s*<(!doctype|html)", text, re.I):
        text, found_title, found_date = _from_html(path, text)
    elif path.suffix.lower() in (".md", ".markdown") or text.startswith("---\n"):
        text, found_title, found_date = _from_markdown(text)
    else:
        text, found_title, found_date = _normalise(text), "", ""
    found_title = found_title or headline(text)
    found_date = found_date or _dateline(text)
    if not text.strip():
        raise ArticleError(str(path), "the article has no text")
    return Article(
        text=text,
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        path=str(path),
        title=title or found_title,
        url=url,
        outlet=outlet,
        published=published or found_date,
    )


_MONTHS = "January February March April May June July August September October November December"
_DATELINE = re.compile(rf"\b({_MONTHS.replace(' ', '|')}) (\d{{1,2}}), (\d{{4}})\b")


def _dateline(text: str) -> str:
    """The date of a dateline ("World February 5, 2026") in the first three lines, or ""."""
    for line in text.splitlines()[:3]:
        match = _DATELINE.search(line)
        if match and len(line.split()) <= 6:
            month = _MONTHS.split().index(match[1]) + 1
            return f"{match[3]}-{month:02d}-{int(match[2]):02d}"
    return ""


#: At most this many words of a first sentence taken as a title.
TITLE_WORDS = 30
_SHORT_DATE = (
    rf"(?:(?:{_MONTHS.replace(' ', '|')}|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)\.? "
    r"\d{1,2}(?:st|nd|rd|th)?,? \d{4}"
    rf"|\d{{1,2}} (?:{_MONTHS.replace(' ', '|')}|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept?|Oct|Nov|Dec)"
    r"\.? \d{4}|\d{4}-\d{2}-\d{2}|\d{1,2}/\d{1,2}/\d{2,4})"
)
#: The parts of a dateline: dates, weekdays, times, "Updated", "Published"…
_DATELINE_PART = re.compile(
    rf"{_SHORT_DATE}|\b(?:Mon|Tues?|Wed|Thu(?:rs)?|Fri|Sat|Sun)(?:day|nesday|urday)?\b\.?,?"
    r"|\b\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?(?:\s*[A-Z]{2,4}\b)?"
    r"|\b(?:Updated|Published|Posted|Last updated|on|at)\b:?",
    re.I,
)
_BYLINE = re.compile(r"^(?:By|Written by|Reporting by)\s+[A-Z]", re.I)
_CITATIONS = re.compile(r"\s*\[\d+(?:\s*[,-–]\s*\d+)*\]")


def headline(text: str) -> str:
    """The title of an article that does not state one apart: its first headline-like line,
    passing over a dateline ("World February 5, 2026": a section word and a date), a byline
    and a section word that a headline follows; else the first sentence of its first
    paragraph (citation marks like "[1, 2]" left out, cut after :data:`TITLE_WORDS` words)."""
    lines = [_unmarked(line) for line in text.splitlines()[:12] if line.strip()]
    lines = [line for line in lines if line and not _is_dateline(line) and not _BYLINE.match(line)]
    for i, line in enumerate(lines):
        if _is_paragraph(line):
            return _first_sentence(line)
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if _is_label(line) and following and _is_headline(following):
            continue  # a section word ("World", "Technology") above the headline
        return line
    return ""


def _unmarked(line: str) -> str:
    """A line without Markdown heading marks, bullets or emphasis."""
    return re.sub(r"^(?:#{1,6}\s+|[*•-]\s+)|[*_]{2}", "", line.strip()).strip()


def _is_dateline(line: str) -> bool:
    """A line that is a date, time or weekday with at most two other words, capitalised as a
    section's name is ("World February 5, 2026", "Updated 10:30 AM ET, Thu Feb 5, 2026"; not
    "Summit ends May 5, 2026")."""
    rest, dated = _DATELINE_PART.subn(" ", line)
    words = re.findall(r"[A-Za-z][\w’'&-]*", rest)
    return (
        bool(re.search(r"\d", line))
        and dated > 0
        and len(words) <= 2
        and all(w[0].isupper() for w in words)
    )


def _is_label(line: str) -> bool:
    """One or two capitalised words, as a section's name is ("World", "Tech Policy")."""
    words = line.split()
    return len(words) <= 2 and all(w[0].isupper() for w in words)


def _is_headline(line: str) -> bool:
    """Three to 30 words, not ended as a sentence is (a headline has no full stop)."""
    return 3 <= len(line.split()) <= 30 and not line.endswith(".")


def _is_paragraph(line: str) -> bool:
    """Running text: more than one sentence, or a sentence of more than 30 words, or a line of
    more than three words ended by a full stop."""
    return (
        len(sentences(line)) > 1
        or len(line.split()) > 30
        or (line.endswith(".") and len(line.split()) > 3)
    )


def _first_sentence(paragraph: str) -> str:
    start, end = sentences(paragraph)[0]
    words = _CITATIONS.sub("", paragraph[start:end]).split()
    cut = words[:TITLE_WORDS]
    return " ".join(cut) + (" …" if len(words) > TITLE_WORDS else "")


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise ArticleError(
                str(path), f"the file is {size} bytes, over the 5 MB an article may be"
            )
        data = path.read_bytes()
    except OSError as error:
        raise ArticleError(str(path), f"cannot read the file: {error.strerror}") from None
    if not data.strip():
        raise ArticleError(str(path), "the file is empty")
    if b"\x00" in data:
        raise ArticleError(str(path), f"the file is binary (a NUL byte at offset {data.index(0)})")
    return data


def _decode(path: Path, data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ArticleError(
            str(path),
            f"the file is not UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start})",
        ) from None


def _normalise(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _from_markdown(text: str) -> tuple[str, str, str]:
    """The text after any YAML front matter, and the front matter's title and date."""
    text = _normalise(text)
    match = re.match(r"---\n(.*?)\n---\n", text, re.S)
    if not match:
        return text, "", ""
    head = match[1]
    title = re.search(r"^title:\s*[\"']?(.*?)[\"']?\s*$", head, re.M)
    date = re.search(r"^date:\s*[\"']?(\d{4}-\d{2}-\d{2})", head, re.M)
    body = text[match.end() :].lstrip("\n")
    return body, title[1] if title else "", date[1] if date else ""


def _from_html(path: Path, text: str) -> tuple[str, str, str]:
    try:
        root = lxml.html.document_fromstring(re.sub(r"^\s*<\?xml[^>]*\?>", "", text))
    except (ParserError, ValueError) as error:
        raise ArticleError(str(path), f"cannot parse the HTML: {error}") from None
    for bad in root.xpath("//script|//style|//noscript|//template"):
        bad.drop_tree()
    title = root.findtext(".//title") or root.findtext(".//h1") or ""
    date = ""
    for meta in root.xpath("//meta[@content]"):
        key = (meta.get("property") or meta.get("name") or meta.get("itemprop") or "").lower()
        found = re.match(r"\d{4}-\d{2}-\d{2}", meta.get("content", "").strip())
        if key in DATE_META and found:
            date = found[0]
            break
    for element in root.iter(*BLOCKS):
        element.tail = "\n" + (element.tail or "")
    body = root.find("body")
    raw = (body if body is not None else root).text_content()
    lines = [re.sub(r"[ \t\u00a0]+", " ", line).strip() for line in _normalise(raw).split("\n")]
    return "\n".join(line for line in lines if line), " ".join(title.split()), date


ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gen", "col", "lt", "sgt", "capt", "gov",
    "pres", "st", "jr", "sr", "no", "vs", "etc", "inc", "ltd", "co", "corp", "dept", "est",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec",
    "u.s", "u.k", "u.n", "e.u", "a.m", "p.m", "i.e", "e.g", "approx", "fig", "op", "al",
}  # fmt: skip
_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)|\n")


def sentences(text: str) -> list[tuple[int, int]]:
    """The spans (start, end) of the text's sentences: lines are never joined; within a line a
    sentence ends at . ! ? followed by space and a capital, digit or quote, except after an
    abbreviation, an initial or inside a quotation."""
    spans: list[tuple[int, int]] = []
    start = 0
    for match in _END.finditer(text):
        end = match.end()
        if match[0] != "\n" and not _is_boundary(text, match.start(), end):
            continue
        _add(spans, text, start, end)
        start = end
    _add(spans, text, start, len(text))
    return spans


def _is_boundary(text: str, dot: int, end: int) -> bool:
    after = text[end:].lstrip(" \t")
    if not after or after[0] == "\n":
        return True
    if not (after[0].isupper() or after[0].isdigit() or after[0] in "\"“‘'(["):
        return False
    if text[dot] == ".":
        word = re.search(r"(\S+)$", text[:dot])
        token = word[1].lstrip("\"“‘'([").lower() if word else ""
        if (
            token in ABBREVIATIONS
            or re.fullmatch(r"[a-z]", token)
            or re.fullmatch(r"([a-z]\.)+[a-z]", token)
        ):
            return False
    line_start = text.rfind("\n", 0, dot) + 1
    opened = text[line_start:end]
    # inside a quotation: keep it whole
    return not (opened.count("“") > opened.count("”") or opened.count('"') % 2 == 1)


def _add(spans: list[tuple[int, int]], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def selector(text: str, start: int, end: int) -> Selector:
    """The selector of ``text[start:end]`` with up to 32 characters either side."""
    return Selector(
        exact=text[start:end],
        prefix=text[max(0, start - CONTEXT) : start],
        suffix=text[end : end + CONTEXT],
        start=start,
        end=end,
    )
