// govkg review: highlight the words of the candidate in focus (the page works without this).
// Only the article's own pane scrolls to them, never the window under the curator's pointer.
"use strict";
(function () {
  function marksOf(id) {
    return Array.from(document.querySelectorAll("mark.ev")).filter(
      (mark) => mark.dataset.ids.split(" ").indexOf(id) >= 0
    );
  }
  function showInPane(mark) {
    const pane = document.querySelector("section.article");
    if (pane && pane.scrollHeight > pane.clientHeight) {
      pane.scrollTop = Math.max(0, mark.offsetTop - pane.clientHeight / 3);
    }
  }
  function focus(id) {
    document.querySelectorAll(".focus").forEach((e) => e.classList.remove("focus"));
    const item = document.getElementById("c-" + id);
    if (item) item.classList.add("focus");
    const marks = marksOf(id);
    marks.forEach((mark) => mark.classList.add("focus"));
    if (marks.length) showInPane(marks[0]);
  }
  function fromHash() {
    const hash = decodeURIComponent(location.hash.slice(1));
    if (hash.startsWith("c-")) focus(hash.slice(2));
    if (hash.startsWith("ev-")) focus(hash.slice(3));
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("li.candidate").forEach(function (item) {
      item.addEventListener("focusin", () => focus(item.dataset.id));
      item.addEventListener("mouseenter", () => focus(item.dataset.id));
    });
    document.querySelectorAll("mark.ev").forEach(function (mark) {
      mark.addEventListener("click", function () {
        const id = mark.dataset.ids.split(" ")[0];
        const item = document.getElementById("c-" + id);
        if (item) item.scrollIntoView({ block: "start" });
        focus(id);
      });
    });
    window.addEventListener("hashchange", fromHash);
    fromHash();
  });
})();
