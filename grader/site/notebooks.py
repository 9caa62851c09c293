"""Notebook HTML for the site: render exercise and solution notebooks, and make any notebook's
HTML fit an offline site (no loader scripts for other hosts, styles shared instead of inlined).
"""

from __future__ import annotations

import hashlib
import os
import re
from importlib.metadata import version
from pathlib import Path

# nbconvert's templates load MathJax and mermaid from a CDN; the site renders math with its
# vendored KaTeX instead, and a lesson that needs diagrams can ship them as images.
_MATHJAX = re.compile(r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->", re.S)
_MERMAID = re.compile(r"<script type=\"module\">(?:(?!</script>).)*?mermaid.*?</script>", re.S)
_STYLE = re.compile(r"<style[^>]*>(.*?)</style>", re.S)
_WRAPPER_START = '<div class="jupyter-wrapper">'
_WRAPPER_END = "<!-- jupyter-wrapper -->"


def render_notebook(path: Path, cache_dir: Path) -> str:
    """The notebook as HTML, without running it; cached by content so a rebuild is instant."""
    from mkdocs_jupyter import convert  # imported late: it pulls in nbconvert

    source = path.read_bytes()
    key = hashlib.sha256(source + version("mkdocs-jupyter").encode()).hexdigest()
    cached = cache_dir / f"{key}.html"
    if cached.is_file():
        return cached.read_text(encoding="utf-8")
    html = convert.nb2html(str(path), execute=False, allow_errors=True, custom_mathjax_url="")
    cache_dir.mkdir(parents=True, exist_ok=True)
    tmp = cached.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(html, encoding="utf-8")
    tmp.replace(cached)  # atomic: a parallel build never reads half a file
    return html


def strip_remote_loaders(html: str) -> str:
    """Remove the script blocks nbconvert adds to fetch MathJax and mermaid from a CDN."""
    return _MERMAID.sub("", _MATHJAX.sub("", html))


def extract_styles(html: str) -> tuple[str, list[str]]:
    """Take the inline `<style>` blocks out of notebook HTML: (html without them, their CSS).

    Every notebook page inlines the same ~600 kB of Jupyter CSS; served once as a file, it is
    cached by the browser and kept out of each page and of the search index.
    """
    # Only the template's own blocks move: those before the notebook's wrapper, and the one
    # after it (a Python list printed as CSS, which browsers ignore). Styles inside cell
    # outputs, such as a pandas table's, stay where they are.
    start = html.find(_WRAPPER_START)
    end = html.rfind(_WRAPPER_END)
    if start < 0 or end < 0:
        return html, []
    head, body, tail = html[:start], html[start:end], html[end:]
    styles = [m.group(1) for m in _STYLE.finditer(head) if m.group(1).strip()]
    tail = _STYLE.sub(lambda m: "" if m.group(1).strip().startswith("[") else m.group(0), tail)
    return _STYLE.sub("", head) + body + tail, styles


def css_name(css: str) -> str:
    """A stable file name for a stylesheet, from its content."""
    return hashlib.sha256(css.encode()).hexdigest()[:16] + ".css"
