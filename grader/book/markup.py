"""Turn the site's callouts into the book's own: MyST admonitions and dropdowns.

Lessons use plain HTML (`<div class="admonition …">`, `<details>`) so that Jupyter and the site
both render them; module pages may use Material's `!!!` / `???` blocks. Sphinx renders neither
natively (and LaTeX drops raw HTML), so each becomes a MyST directive.
"""

from __future__ import annotations

import re

_HTML_ADMONITION = re.compile(
    r'<div class="admonition ([\w-]+)">\s*<p class="admonition-title">(.*?)</p>\s*(.*?)\s*</div>', re.S
)
_DETAILS = re.compile(r'<details(?: class="([\w-]+)")?>\s*<summary>(.*?)</summary>\s*(.*?)\s*</details>', re.S)
_MATERIAL = re.compile(r'^(!!!|\?\?\?\+?) *([\w-]+)(?: +"(.*?)")?\n((?:(?: {4}.*)?\n)+)', re.M)


def _directive(title: str, kind: str, body: str, dropdown: bool) -> str:
    classes = f"{kind} dropdown" if dropdown else kind
    fence = "````" if "```" in body else "```"
    return f"\n{fence}{{admonition}} {title.strip()}\n:class: {classes}\n{body.strip()}\n{fence}\n"


def to_myst(markdown: str) -> str:
    """The same Markdown, with callouts and folded answers as MyST directives."""
    markdown = _HTML_ADMONITION.sub(lambda m: _directive(m[2], m[1], m[3], dropdown=False), markdown)
    markdown = _DETAILS.sub(lambda m: _directive(m[2], m[1] or "note", m[3], dropdown=True), markdown)

    def material(m: re.Match[str]) -> str:
        body = "\n".join(line[4:] for line in m[4].splitlines())
        return _directive(m[3] or m[2].capitalize(), m[2], body, dropdown=m[1].startswith("???"))

    return _MATERIAL.sub(material, markdown + "\n").rstrip("\n") + "\n"


KATEX_LOADER = """// Render the book's math with the KaTeX copy shipped beside this file: nothing from the web.
(function () {
  var base = document.currentScript.src.split("?")[0].replace(/loader\\.js$/, "");
  var css = document.createElement("link");
  css.rel = "stylesheet"; css.href = base + "katex.min.css";
  document.head.appendChild(css);
  function load(name, then) {
    var s = document.createElement("script"); s.src = base + name; s.onload = then;
    document.head.appendChild(s);
  }
  load("katex.min.js", function () {
    load("contrib/auto-render.min.js", function () {
      renderMathInElement(document.body, {delimiters: [
        {left: "\\\\[", right: "\\\\]", display: true}, {left: "\\\\(", right: "\\\\)", display: false}]});
    });
  });
})();
"""
