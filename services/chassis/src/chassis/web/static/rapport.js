// The site's few behaviours, loaded by base.html on every page. The front door's
// Content-Security-Policy allows no inline script, so pages say what they need in data
// attributes and this file does it.
(() => {
  "use strict";

  // <button data-print>: prints the page (reports have an A4 print stylesheet).
  document.addEventListener("click", (event) => {
    if (event.target.closest("[data-print]")) window.print();
  });

  // A live board (<div hx-trigger="every 5s" data-refresh-when-idle>) skips its refresh while
  // someone fills in one of its forms; the board's own actions are never held back.
  document.addEventListener("htmx:beforeRequest", (event) => {
    const board = event.target;
    if (board.matches("[data-refresh-when-idle]") && board.querySelector("details[open], :focus")) {
      event.preventDefault();
    }
  });

  // Countdowns: every [data-deadline] shows the time left, negative once overdue, in the
  // page's language, with the patterns the page gives in <meta name="rapport-durations">.
  function fill(pattern, values) {
    return pattern.replace(/%\((\w+)\)(02)?[ds]/g, (match, name, pad) =>
      pad ? String(values[name]).padStart(2, "0") : String(values[name]));
  }
  function countdowns() {
    const source = document.querySelector('meta[name="rapport-durations"]');
    if (!source) return;
    const units = JSON.parse(source.content);
    const now = Date.now();
    document.querySelectorAll("[data-deadline]").forEach((element) => {
      const left = Math.round((Date.parse(element.dataset.deadline) - now) / 1000);
      const size = Math.abs(left);
      const d = Math.floor(size / 86400), h = Math.floor(size % 86400 / 3600);
      const m = Math.floor(size % 3600 / 60), s = size % 60;
      const values = {days: d, hours: h, minutes: m, seconds: s};
      const text = fill(d ? units.days : h ? units.hours : units.minutes, values);
      element.textContent = left < 0 ? fill(units.overdue, {left: text}) : text;
      element.classList.toggle("overdue", left < 0);
      element.classList.toggle("soon", left >= 0 && left < 900);
    });
  }
  setInterval(countdowns, 1000);
  document.addEventListener("DOMContentLoaded", countdowns);
  document.addEventListener("htmx:afterSwap", countdowns);
})();
