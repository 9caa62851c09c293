/* Progress kept in this browser (localStorage): "mark as done" on lesson and exercise pages,
   done/total per step on the roadmap and the module pages. No server, no account. */
(function () {
  "use strict";
  var KEY = "course-progress:v1";

  function load() {
    try {
      return JSON.parse(window.localStorage.getItem(KEY) || "{}") || {};
    } catch (err) {
      return {}; // storage blocked or damaged: show nothing as done rather than break the page
    }
  }

  function save(progress) {
    try {
      window.localStorage.setItem(KEY, JSON.stringify(progress));
    } catch (err) {
      /* private mode or storage full: the button still toggles for this visit */
    }
  }

  function render(root) {
    var progress = load();
    root.querySelectorAll("[data-course-done]").forEach(function (box) {
      var done = Boolean(progress[box.getAttribute("data-course-done")]);
      box.classList.toggle("is-done", done);
      box.querySelector("button").setAttribute("aria-pressed", String(done));
    });
    root.querySelectorAll("[data-course-check]").forEach(function (mark) {
      var done = Boolean(progress[mark.getAttribute("data-course-check")]);
      mark.classList.toggle("is-done", done);
      mark.setAttribute("title", done ? "done" : "not done yet");
    });
    var doneAll = 0;
    root.querySelectorAll("[data-course-items]").forEach(function (step) {
      var ids = step.getAttribute("data-course-items").split(" ").filter(Boolean);
      var done = ids.filter(function (id) { return progress[id]; }).length;
      doneAll += done;
      step.classList.toggle("is-started", done > 0);
      step.classList.toggle("is-complete", ids.length > 0 && done === ids.length);
      var bar = step.querySelector("progress");
      if (bar) bar.value = done;
      var count = step.querySelector("[data-course-count]");
      if (count) count.textContent = done + " of " + ids.length + " done";
    });
    root.querySelectorAll("[data-course-total]").forEach(function (total) {
      total.textContent = doneAll + " of " + total.getAttribute("data-course-total");
    });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-course-done] button");
    if (!button) return;
    var id = button.parentElement.getAttribute("data-course-done");
    var progress = load();
    if (progress[id]) {
      delete progress[id];
    } else {
      progress[id] = new Date().toISOString();
    }
    save(progress);
    render(document);
  });

  // another tab marked something done
  window.addEventListener("storage", function (event) {
    if (event.key === KEY) render(document);
  });

  if (typeof window.document$ !== "undefined") {
    window.document$.subscribe(function () { render(document); });
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { render(document); });
  } else {
    render(document);
  }
})();
