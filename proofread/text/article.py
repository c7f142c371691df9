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
_URL_META = ("url", "og:url", "dc.identifier")
_COLUMN_META = ("columnname", "column", "channelname", "channel", "catalog")
# Where a page says which 栏目 it is in: a breadcrumb element, or a "当前位置：" line.
_CRUMB_MARK = re.compile(r"(?:^|[-_\s])(?:breadcrumbs?|crumbs?|location|position|dqwz|wz)(?:$|[-_\s\d])", re.I)
_CRUMB_LABEL = re.compile(r"^.*?(?:当前位置|您的位置|您现在的位置|所在位置|当前栏目)\s*[:：]\s*")
_CRUMB_SPLIT = re.compile(r"\s*(?:>|»|›|＞|→|>>|/|\\)\s*")
_CRUMB_NOT_COLUMN = {"正文", "详情", "内容", "正文内容", "文章详情", "阅读正文", "详细信息", "浏览文章"}
_HIDDEN = {"head", "script", "style", "noscript", "template", "title"}
_DATE_TEXT = re.compile(r"((?:19|20)\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_DATE_LABEL = re.compile(r"(?:发布|发表|印发|成文|更新)?(?:时间|日期)\s*[:：]?\s*")


@dataclass(frozen=True)
class Article:
    """What a page says: ``text`` is the main content only (title not included)."""

    title: str
    date: dt.date | None
    text: str
    url: str = ""  # the live page's address, as the page gives it
    column: str = ""  # its 栏目, as the page names it (meta tag or breadcrumb)
    dropped: int = 0  # blocks of visible text left out of ``text`` (menus, footers, captions)

    @property
    def document(self) -> str:
        """The text that is checked: the title (when there is one) on its own line, then the main text."""
        return f"{self.title}\n{self.text}" if self.title else self.text


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
        self.canonical = ""
        self.crumb: _Node | None = None
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
        if tag == "link" and "canonical" in attrs_d.get("rel", "").lower().split() and not self.canonical:
            self.canonical = attrs_d.get("href", "").strip()
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
        if self.crumb is None and marker.strip() and _CRUMB_MARK.search(marker):
            self.crumb = node
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
    regions = _regions(tree, _main_block(tree))
    text = "\n".join(t for t in (html_text(_without_dropped(markup, n)) for n in regions) if t)
    title = _title(tree)
    text = _strip_title(text, title)
    visible = html_text(markup)
    return Article(
        title=title,
        date=_date(tree, visible, text),
        text=text,
        url=_url(tree),
        column=_column(tree, markup, visible, title),
        dropped=_dropped(tree, markup, regions, title),
    )


def _regions(tree: _Tree, main: _Node) -> list[_Node]:
    """The main block and every paragraph of article text outside it, in page order.

    A page may hold its article in more than one container (the body, then an attachment
    list or a closing paragraph in a sibling block): a paragraph the scoring counts as text
    is never dropped for being outside the best container.
    """
    while main.parent is not None and _is_paragraph(main.parent):
        main = main.parent  # text right inside an enclosing block belongs to the article too
    inside = set(map(id, tree._walk(main)))
    above = set()
    node: _Node | None = main
    while node is not None:
        above.add(id(node))
        node = node.parent
    taken: list[_Node] = []
    stack = [tree.root]
    while stack:
        n = stack.pop()
        if id(n) in inside or n.dropped:
            continue
        if id(n) not in above and _is_paragraph(n):
            taken.append(n)  # its descendants come with it
            continue
        stack.extend(n.children)
    return sorted([main, *taken], key=lambda n: n.start)


def _is_paragraph(node: _Node) -> bool:
    return not node.dropped and node.tag in _PARAGRAPHS and node.text - node.link_text >= 10


def _dropped(tree: _Tree, markup: str, regions: list[_Node], title: str) -> int:
    """Blocks of visible, non-link text that are not in the checked text (the title is: on its own line)."""
    kept: set[int] = set()
    for region in regions:
        kept.update(id(n) for n in tree._walk(region) if not n.dropped)
    count = 0
    stack = [tree.root]
    while stack:
        n = stack.pop()
        if n.tag in _HIDDEN:
            continue
        if n.text - n.link_text > 0 and id(n) not in kept and n is not tree.root:
            count += html_text(markup[n.start : n.end]) != title
        stack.extend(n.children)
    return count


def _url(tree: _Tree) -> str:
    for value in (tree.meta.get("url", ""), tree.canonical, *(tree.meta.get(k, "") for k in _URL_META[1:])):
        if value.lower().startswith(("http://", "https://")):
            return value
    return ""


def _column(tree: _Tree, markup: str, visible: str, title: str) -> str:
    """The page's 栏目: a meta tag (ColumnName, as TRS and similar CMSs write), else the last
    step of its breadcrumb that is not the article itself."""
    for key in _COLUMN_META:
        if tree.meta.get(key):
            return _clean(tree.meta[key])
    trails = [html_text(markup[tree.crumb.start : tree.crumb.end])] if tree.crumb is not None else []
    trails += [line for line in visible.split("\n") if _CRUMB_LABEL.match(line)]
    for trail in trails:
        steps = [_clean(s) for s in _CRUMB_SPLIT.split(_CRUMB_LABEL.sub("", _clean(trail)))]
        steps = [s for s in steps if s and s not in _CRUMB_NOT_COLUMN and s != title]
        if steps:
            return steps[-1]
    return ""


def _main_block(tree: _Tree) -> _Node:
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


def _date(tree: _Tree, visible: str, text: str) -> dt.date | None:
    for key in _DATE_META:
        found = parse_date(tree.meta.get(key, ""))
        if found:
            return found
    found = parse_date(tree.time)
    if found:
        return found
    # A labelled date in the visible page ("发布时间：2022-03-01"), else a date on the
    # article's first line (the line under the title: "2021年05月10日 来源：县政府办").
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
