/* Math with the vendored KaTeX. Markdown pages: pymdownx.arithmatex wraps formulas in
   .arithmatex. Notebook Markdown cells keep Jupyter's $...$ delimiters, so those are read
   inside rendered Markdown cells only: a "$" in code or in printed output stays a dollar. */
(function () {
  "use strict";
  var BRACKETS = [
    { left: "\\(", right: "\\)", display: false },
    { left: "\\[", right: "\\]", display: true }
  ];
  var JUPYTER = [
    { left: "$$", right: "$$", display: true },
    { left: "$", right: "$", display: false }
  ].concat(BRACKETS);

  function typeset() {
    if (typeof window.renderMathInElement === "undefined") return;
    document.querySelectorAll(".arithmatex").forEach(function (el) {
      window.renderMathInElement(el, { delimiters: BRACKETS, throwOnError: false });
    });
    document.querySelectorAll(".jp-RenderedMarkdown").forEach(function (el) {
      window.renderMathInElement(el, { delimiters: JUPYTER, throwOnError: false });
    });
  }

  if (typeof window.document$ !== "undefined") {
    window.document$.subscribe(typeset);
  } else {
    document.addEventListener("DOMContentLoaded", typeset);
  }
})();
