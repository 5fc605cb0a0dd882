"""Markdown to safe HTML, and to plain text for the search index. PURE: no ORM.

Python-Markdown passes raw HTML through, so its output is never trusted: nh3 (ammonia) keeps an
allow-list of tags, attributes and URL schemes and drops everything else (script, style, event
handlers, javascript:/data: links). Authors are staff, but articles are read by everyone, and a
stolen staff session must not become stored XSS on the public knowledge base.
"""
import html
import re

import markdown as md
import nh3

EXTENSIONS = ["fenced_code", "tables", "sane_lists", "nl2br", "def_list", "abbr"]
TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "b", "i", "u", "s", "del", "ins",
    "mark", "small", "sub", "sup", "blockquote", "code", "pre", "kbd", "ul", "ol", "li", "dl", "dt", "dd",
    "table", "thead", "tbody", "tr", "th", "td", "a", "img", "abbr", "span", "div", "details", "summary",
}
ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "th": {"align"}, "td": {"align"},
    "ol": {"start"},
    "code": {"class"},  # fenced_code's "language-xyz" for a future highlighter
    "*": {"dir", "lang"},  # an English command inside a Persian article keeps its direction
}
URL_SCHEMES = {"http", "https", "mailto"}
# Removed with their content, not just their tags: a <style> body is not text.
CLEAN_CONTENT = {"script", "style", "iframe", "object", "embed", "template", "noscript", "textarea", "select"}


def _attribute_filter(element, attribute, value):
    # Only "language-*" classes survive on <code>; other classes could borrow our CSS to spoof UI.
    if attribute == "class" and not re.fullmatch(r"language-[\w+-]{1,30}", value):
        return None
    if element == "img" and attribute == "src" and value.startswith("//"):
        return None  # protocol-relative: another host, which the CSP blocks anyway
    return value


def sanitize(raw_html: str) -> str:
    return nh3.clean(
        raw_html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES, clean_content_tags=CLEAN_CONTENT,
        link_rel="noopener noreferrer nofollow", attribute_filter=_attribute_filter, strip_comments=True,
    )


def render(text: str) -> str:
    """An article body (Markdown, maybe with inline HTML) as HTML that is safe to show as-is."""
    raw = md.markdown(text or "", extensions=EXTENSIONS, output_format="html")
    return sanitize(raw)


_TAG = re.compile(r"<[^>]*>")
_BLOCK_END = re.compile(r"</(p|li|h\d|td|th|dt|dd|pre|blockquote|div|tr)>|<br\s*/?>", re.I)
_SPACES = re.compile(r"[ \t\r\f\v]+")


def to_text(safe_html: str) -> str:
    """Plain text of rendered HTML for the search index: block ends become line breaks."""
    text = _BLOCK_END.sub("\n", safe_html or "")
    text = html.unescape(_TAG.sub(" ", text))
    return "\n".join(line.strip() for line in _SPACES.sub(" ", text).splitlines() if line.strip())
