"""The article of a web page: main text without navigation and boilerplate, title, date.

Government sites wrap each article in the same header, menus, breadcrumb, share
buttons and footer. The main block is found by text density: every paragraph gives
its Chinese characters (minus link text) to its container and half to the one above,
as readability tools do; the best-scoring container is the article. Its markup span
goes through :func:`~proofread.text.extract.html_text`, so the text is exactly what
``proofread check`` reads from the same markup.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from html.parser import HTMLParser

from .extract import html_text

# Elements that are never article text, and class/id words that mark boilerplate.
_DROP_TAGS = {
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "select",
    "button",
    "iframe",
    "svg",
    "head",
}
_BOILERPLATE = re.compile(
    r"(?:^|[-_\s])(?:nav|navbar|menu|header|footer|foot|breadcrumb|crumb|sidebar|side|share|copyright|"
    r"banner|topbar|toolbar|login|search|related|friend-?links?|links|location|position|bottom)(?:$|[-_\s\d])",
    re.I,
)
_CONTAINERS = {
    "div",
    "article",
    "section",
    "main",
    "td",
    "body",
    "tbody",
    "table",
    "tr",
    "ul",
    "li",
    "dl",
    "dd",
    "span",
    "font",
    "center",
}
_PARAGRAPHS = {"p", "div", "td", "li", "pre", "blockquote", "font", "span", "h2", "h3", "h4", "h5", "h6", "dd"}
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"}
_CJK = re.compile(r"[\u3400-\u9fff]")

_TITLE_META = ("articletitle", "og:title", "title", "dc.title")
_DATE_META = (
    "pubdate",
    "publishdate",
    "article:published_time",
    "publish_time",
    "firstpublishedtime",
    "dc.date",
    "date",
    "releasedate",
    "createdate",
)
_DATE_TEXT = re.compile(r"((?:19|20)\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_DATE_LABEL = re.compile(r"(?:发布|发表|印发|成文|更新)?(?:时间|日期)\s*[:：]?\s*")


@dataclass(frozen=True)
class Article:
    """What a page says: ``text`` is the main content only (title not included)."""

    title: str
    date: dt.date | None
    text: str


class _Node:
    __slots__ = ("tag", "attrs", "parent", "children", "start", "end", "text", "link_text", "dropped")

    def __init__(self, tag: str, attrs: dict[str, str], parent: _Node | None, start: int) -> None:
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: list[_Node] = []
        self.start = start  # offset of "<" of the start tag in the markup
        self.end = -1  # offset after the end tag (or where the element was implicitly closed)
        self.text = 0  # CJK characters directly inside
        self.link_text = 0  # CJK characters directly inside, within <a>
        self.dropped: bool = parent.dropped if parent else False


def _parent(node: _Node) -> _Node:
    """The parent of a node below the root (only the root has none)."""
    assert node.parent is not None
    return node.parent


class _Tree(HTMLParser):
    """A tolerant element tree with markup offsets, plus meta tags, <title> and <h1>."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", markup)]
        self._markup = markup
        self.root = _Node("#root", {}, None, 0)
        self.current = self.root
        self.meta: dict[str, str] = {}
        self.title = ""
        self.h1: list[str] = []
        self.time: str = ""
        self._in_title = self._in_h1 = False
        self._links = 0

    def _offset(self) -> int:
        line, col = self.getpos()
        return self._line_starts[line - 1] + col

    def handle_starttag(self, tag: str, attrs) -> None:
        attrs_d = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta":
            key = (attrs_d.get("name") or attrs_d.get("property") or attrs_d.get("itemprop") or "").lower()
            if key and "content" in attrs_d:
                self.meta.setdefault(key, attrs_d["content"].strip())
            return
        if tag == "time" and not self.time:
            self.time = attrs_d.get("datetime", "")
        if tag == "title":
            self._in_title = True
        elif tag == "h1":
            self._in_h1 = True
            self.h1.append("")
        elif tag == "a":
            self._links += 1
        if tag in _VOID:
            return
        if tag == "p":  # a <p> closes an open <p>, as browsers do
            self._close("p", self._offset(), implicit_only=True)
        node = _Node(tag, attrs_d, self.current, self._offset())
        marker = f"{attrs_d.get('class', '')} {attrs_d.get('id', '')}"
        if tag in _DROP_TAGS or (marker.strip() and _BOILERPLATE.search(marker)):
            node.dropped = True
        self.current.children.append(node)
        self.current = node

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        elif tag == "h1":
            self._in_h1 = False
        elif tag == "a":
            self._links = max(0, self._links - 1)
        offset = self._offset()
        end = self._markup.find(">", offset)
        self._close(tag, end + 1 if end >= 0 else len(self._markup))

    def _close(self, tag: str, end: int, implicit_only: bool = False) -> None:
        node = self.current
        while node is not self.root and node.tag != tag:
            node = _parent(node)
        if node is self.root or (implicit_only and node is not self.current):
            return  # a stray end tag: ignore it
        closing = self.current
        while True:
            closing.end = end
            if closing is node:
                break
            closing = _parent(closing)
        self.current = _parent(node)

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data
        if self._in_h1:
            self.h1[-1] += data
        n = len(_CJK.findall(data))
        self.current.text += n
        if self._links:
            self.current.link_text += n

    def finish(self) -> None:
        node: _Node | None = self.current
        while node is not None:
            if node.end < 0:
                node.end = len(self._markup)
            node = node.parent
        for leftover in self._walk(self.root):
            if leftover.end < 0:
                leftover.end = len(self._markup)

    def _walk(self, node: _Node):
        stack = [node]
        while stack:
            n = stack.pop()
            yield n
            stack.extend(n.children)


def extract_article(markup: str) -> Article:
    """Title, publication date and main text of an HTML page (``text`` may be empty)."""
    tree = _Tree(markup)
    try:
        tree.feed(markup)
        tree.close()
    except Exception:  # html.parser is lenient; what it rejects keeps what was read
        pass
    tree.finish()
    main = _main_block(tree)
    text = html_text(_without_dropped(markup, main)) if main is not None else ""
    title = _title(tree)
    text = _strip_title(text, title)
    return Article(title=title, date=_date(tree, markup, text), text=text)


def _main_block(tree: _Tree) -> _Node | None:
    """The container with the highest paragraph score (boilerplate subtrees excluded)."""
    scores: dict[int, float] = {}
    nodes: dict[int, _Node] = {}
    for node in tree._walk(tree.root):
        if node.dropped or node.tag not in _PARAGRAPHS:
            continue
        own = node.text - node.link_text
        if own < 10:
            continue  # a menu item, a date, a caption: not a paragraph
        parent = node.parent
        for share, target in ((1.0, parent), (0.5, parent.parent if parent else None)):
            if target is None or target.dropped:
                continue
            if target.tag not in _CONTAINERS and target.tag != "#root":
                continue
            scores[id(target)] = scores.get(id(target), 0.0) + own * share
            nodes[id(target)] = target
        # Text right inside a container counts for that container itself too.
        if node.tag in _CONTAINERS:
            scores[id(node)] = scores.get(id(node), 0.0) + own
            nodes[id(node)] = node
    if not scores:
        body = next((n for n in tree._walk(tree.root) if n.tag == "body"), None)
        return body or tree.root
    return nodes[max(scores, key=lambda k: (scores[k], -nodes[k].start))]


def _without_dropped(markup: str, node: _Node) -> str:
    """The markup of ``node`` with its boilerplate subtrees cut out."""
    start = node.start if node.tag != "#root" else 0
    end = node.end if node.end > 0 else len(markup)
    pieces: list[str] = []
    pos = start
    stack = list(reversed(node.children))
    while stack:
        child = stack.pop()
        if child.dropped:
            pieces.append(markup[pos : child.start])
            pos = max(pos, child.end)
        else:
            stack.extend(reversed(child.children))
    pieces.append(markup[pos:end])
    return "".join(pieces)


def _title(tree: _Tree) -> str:
    for key in _TITLE_META:
        if tree.meta.get(key):
            return _clean(tree.meta[key])
    h1 = [_clean(h) for h in tree.h1 if _clean(h)]
    if len(h1) == 1:
        return h1[0]
    title = _clean(tree.title)
    # "文章标题 - 某某市人民政府" / "文章标题_某某网": keep the article's part.
    return re.split(r"\s*(?:[-_|｜—]{1,2})\s*(?=[^-_|｜—]*$)", title)[0] if title else ""


def _clean(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def _date(tree: _Tree, markup: str, text: str) -> dt.date | None:
    for key in _DATE_META:
        found = parse_date(tree.meta.get(key, ""))
        if found:
            return found
    found = parse_date(tree.time)
    if found:
        return found
    # A labelled date in the visible page ("发布时间：2022-03-01"), else a date on the
    # article's first line (the line under the title: "2021年05月10日 来源：县政府办").
    visible = html_text(markup)
    for m in _DATE_LABEL.finditer(visible):
        found = parse_date(visible[m.end() : m.end() + 24], anchored=True)
        if found:
            return found
    return parse_date(text.partition("\n")[0][:80])


def parse_date(value: str, anchored: bool = False) -> dt.date | None:
    """The first date in ``value`` (2022-03-05, 2022/3/5, 2022年3月5日); at its start only when ``anchored``."""
    m = _DATE_TEXT.match(value.strip()) if anchored else _DATE_TEXT.search(value)
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


def _strip_title(text: str, title: str) -> str:
    """Drop the title when the main block repeats it as its first line."""
    if title:
        first, _, rest = text.partition("\n")
        if first.strip() == title:
            return rest.lstrip("\n")
    return text
