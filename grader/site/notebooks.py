"""Notebook HTML for the site: render exercise and solution notebooks, and make any notebook's
HTML fit an offline site (no loader scripts for other hosts, styles shared instead of inlined).

The HTML is large (the Jupyter CSS alone is ~600 kB per page), so it is cut with `str.find`
rather than regular expressions: a lazy `.*?` over every page cost seconds per build.
"""

from __future__ import annotations

import functools
import hashlib
import os
from importlib.metadata import version
from pathlib import Path
from typing import Any

# nbconvert's templates load MathJax and mermaid from a CDN; the site renders math with its
# vendored KaTeX instead, and a lesson that needs diagrams can ship them as images.
_MATHJAX = ("<!-- Load mathjax -->", "<!-- End of mathjax configuration -->")
_MERMAID_MARK = "mermaid"
_WRAPPER_START = '<div class="jupyter-wrapper">'
_WRAPPER_END = "<!-- jupyter-wrapper -->"


def render_notebook(path: Path, cache_dir: Path) -> str:
    """The notebook as HTML, without running it; cached by content so a rebuild is instant."""
    source = path.read_bytes()
    key = hashlib.sha256(source + version("mkdocs-jupyter").encode()).hexdigest()
    cached = cache_dir / f"{key}.html"
    if cached.is_file():
        return cached.read_text(encoding="utf-8")
    html = _nb2html(path)
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(cached)  # atomic: a parallel build never reads half a file
    return html


def _nb2html(path: Path) -> str:
    """mkdocs-jupyter's own rendering (same template, so exercises look like lessons).

    Its `nb2html` builds a new exporter, and so recompiles every template, for each notebook:
    about a second each. One exporter, kept for the build, renders the same HTML.
    """
    from mkdocs_jupyter import nbconvert2  # imported late: it pulls in nbconvert

    nbconvert2.cell_id = 0  # numbers the copy buttons of one notebook, as nb2html does
    nbconvert2.default_filters["clean_html"] = _clean_html
    content, _ = _exporter().from_filename(str(path), resources={"mkdocs": {"include_requirejs": False}})
    return str(content)


def _clean_html(element: object) -> str:
    # as mkdocs-jupyter's nb2html sets it: keeps SVG outputs intact
    return element.decode() if isinstance(element, bytes) else str(element)


@functools.cache
def _exporter() -> Any:
    from mkdocs_jupyter import nbconvert2
    from nbconvert.exporters.html import HTMLExporter

    app = nbconvert2.get_nbconvert_app(execute=False)
    return HTMLExporter(
        config=app.config,
        template_file="mkdocs_html/notebook.html.j2",
        extra_template_paths=[nbconvert2.settings.templates_dir],
        preprocessors=[nbconvert2.SubCell],
        filters={"highlight_code": nbconvert2.mk_custom_highlight_code(extra_css_classes="")},
        theme="light",
        mathjax_url="",
    )


def _blocks(html: str, start_tag: str, end_tag: str) -> list[tuple[int, int]]:
    """(start, end) of each `start_tag ... end_tag` block, end exclusive."""
    spans, at = [], 0
    while (start := html.find(start_tag, at)) >= 0:
        end = html.find(end_tag, start)
        if end < 0:
            break
        at = end + len(end_tag)
        spans.append((start, at))
    return spans


def _cut(html: str, spans: list[tuple[int, int]]) -> str:
    parts, at = [], 0
    for start, end in spans:
        parts.append(html[at:start])
        at = end
    parts.append(html[at:])
    return "".join(parts)


def strip_remote_loaders(html: str) -> str:
    """Remove the script blocks nbconvert adds to fetch MathJax and mermaid from a CDN."""
    head_end = html.find(_WRAPPER_START)
    if head_end < 0:
        return html
    head = html[:head_end]
    spans = _blocks(head, *_MATHJAX)
    spans += [s for s in _blocks(head, '<script type="module">', "</script>") if _MERMAID_MARK in head[s[0] : s[1]]]
    return _cut(head, sorted(spans)) + html[head_end:]


def _inner(block: str) -> str:
    return block[block.find(">") + 1 : block.rfind("</style>")]


def extract_styles(html: str) -> tuple[str, list[str]]:
    """Take the template's `<style>` blocks out of notebook HTML: (html without them, CSS).

    Every notebook page inlines the same Jupyter CSS; served once as a file, it is cached by
    the browser and kept out of each page and of the search index. Only the blocks before the
    notebook's wrapper move, and the one after it (a Python list printed as CSS, which browsers
    ignore) is dropped; styles inside cell outputs, such as a pandas table's, stay.
    """
    start = html.find(_WRAPPER_START)
    end = html.rfind(_WRAPPER_END)
    if start < 0 or end < 0:
        return html, []
    head, body, tail = html[:start], html[start:end], html[end:]
    head_spans = _blocks(head, "<style", "</style>")
    styles = [css for s in head_spans if (css := _inner(head[s[0] : s[1]])).strip()]
    tail_spans = [s for s in _blocks(tail, "<style", "</style>") if _inner(tail[s[0] : s[1]]).lstrip().startswith("[")]
    return _cut(head, head_spans) + body + _cut(tail, tail_spans), styles


def css_name(css: str) -> str:
    """A stable file name for a stylesheet, from its content."""
    return hashlib.sha256(css.encode()).hexdigest()[:16] + ".css"
