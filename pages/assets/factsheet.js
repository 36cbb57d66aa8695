// The fact sheet's scripts: no library, nothing from the network; the site works without them.
// The chronology's filters: show one actor's events, or only some statuses.
// Without it every event is shown. ?actor=ID&status=held,expected in the address preselects them,
// and a choice made here is written back there, so the filtered list can be shared or reloaded.
(function () {
  var form = document.querySelector("form.fs-filter");
  if (!form) return;
  form.hidden = false;
  var select = form.querySelector("select[name=actor]");
  var boxes = Array.prototype.slice.call(form.querySelectorAll("input[name=status]"));
  var items = Array.prototype.slice.call(document.querySelectorAll("li.fs-event"));
  var sections = Array.prototype.slice.call(document.querySelectorAll("section.fs-year"));
  var count = form.querySelector(".fs-filter-count");
  var dots = Array.prototype.slice.call(document.querySelectorAll(".fs-chart a[data-actors]"));
  var params = new URLSearchParams(window.location.search);
  var wanted = (params.get("actor") || "").toLowerCase();
  if (wanted && select.querySelector('option[value="' + wanted + '"]')) select.value = wanted;
  var only = params.get("status");  // "status=" (nothing ticked) is kept as it was left
  if (only !== null) {
    var listed = only ? only.toLowerCase().split(",") : [];
    if (!only || boxes.some(function (b) { return listed.indexOf(b.value) >= 0; })) {
      boxes.forEach(function (b) { b.checked = listed.indexOf(b.value) >= 0; });
    }
  }

  function remember(actor, statuses) {
    var query = new URLSearchParams(window.location.search);
    if (actor) query.set("actor", actor); else query.delete("actor");
    if (statuses.length < boxes.length) query.set("status", statuses.join(",")); else query.delete("status");
    var search = query.toString().replace(/%2C/g, ",");  // status=held,expected, as typed
    history.replaceState(history.state, "", window.location.pathname + (search ? "?" + search : "") + window.location.hash);
  }

  function ticked() {
    return boxes.filter(function (b) { return b.checked; }).map(function (b) { return b.value; });
  }

  function apply() {
    var actor = select.value;
    var statuses = ticked();
    var shown = 0;
    items.forEach(function (li) {
      var ok = statuses.indexOf(li.dataset.status) >= 0 &&
        (!actor || (" " + li.dataset.actors + " ").indexOf(" " + actor + " ") >= 0);
      li.hidden = !ok;
      if (ok) shown += 1;
    });
    sections.forEach(function (s) { s.hidden = !s.querySelector("li.fs-event:not([hidden])"); });
    dots.forEach(function (a) {  // the chart's dots of no chosen event fade
      var ok = statuses.indexOf(a.dataset.status) >= 0 &&
        (!actor || (" " + a.dataset.actors + " ").indexOf(" " + actor + " ") >= 0);
      a.classList.toggle("fs-dim", !ok);
    });
    count.textContent = shown ? shown + " of " + items.length + " events shown"
      : "No event matches: choose another actor, or tick more statuses.";
  }
  form.addEventListener("change", function () {
    apply();
    remember(select.value, ticked());
  });
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  apply();
  // An address naming no such actor or status shows everyone, and says so by dropping it.
  if (params.has("actor") || params.has("status")) {
    remember(select.value, ticked());
  }
})();

// A record page (an actor, an event...) is not in the navigation: mark its section's tab as the
// one the reader is in, as Material does for pages that are.
(function () {
  var here = window.location.href.split("#")[0].split("?")[0];
  var folder = here.slice(0, here.lastIndexOf("/") + 1);
  var tabs = document.querySelectorAll(".md-tabs__item");
  var active = document.querySelector(".md-tabs__item--active");
  if (active || !tabs.length) return;
  Array.prototype.forEach.call(tabs, function (li) {
    var a = li.querySelector("a.md-tabs__link");
    if (a && a.href.split("#")[0] === folder + "index.html") li.classList.add("md-tabs__item--active");
  });
})();

// The theme's search panel is a dialog without a name; screen readers announce it as "Search".
(function () {
  var dialog = document.querySelector(".md-search[role=dialog]");
  if (dialog && !dialog.hasAttribute("aria-label")) dialog.setAttribute("aria-label", "Search");
})();

// A table of three or more named columns may be stacked on a phone: each cell learns its column's name.
// A column whose every value is short (a language, a script, a status), after the first, is marked
// so that its values may share a line with the next; an empty cell is marked so that its card
// leaves out a label with nothing after it.
(function () {
  var SHORT = 20;
  Array.prototype.forEach.call(document.querySelectorAll(".md-typeset table"), function (table) {
    var heads = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      return th.textContent.trim();
    });
    if (heads.length < 3 || !heads.every(Boolean)) return;
    table.setAttribute("data-stack", "");
    var rows = table.querySelectorAll("tbody tr");
    var short = heads.map(function (_, i) {
      return i > 0 && Array.prototype.every.call(rows, function (tr) {
        var td = tr.children[i];
        return !td || td.textContent.trim().length <= SHORT;
      });
    });
    Array.prototype.forEach.call(rows, function (tr) {
      Array.prototype.forEach.call(tr.children, function (td, i) {
        if (heads[i]) td.setAttribute("data-label", heads[i]);
        if (!td.textContent.trim() && !td.querySelector("img, svg")) td.setAttribute("data-empty", "");
        else if (short[i]) td.setAttribute("data-short", "");
      });
    });
  });
})();

// On a source page, the passage a footnote leads to (#p-…) is emphasised whole, even where it
// overlaps another: every highlighted stretch names the passages it belongs to (data-p).
(function () {
  var article = document.querySelector(".fs-article");
  if (!article) return;
  function show() {
    var id = decodeURIComponent(window.location.hash.slice(1));
    Array.prototype.forEach.call(article.querySelectorAll("mark.fs-current"), function (m) {
      m.classList.remove("fs-current");
    });
    if (id.indexOf("p-") !== 0) return;
    Array.prototype.forEach.call(article.querySelectorAll("mark.fs-passage"), function (m) {
      if ((" " + m.getAttribute("data-p") + " ").indexOf(" " + id + " ") >= 0) m.classList.add("fs-current");
    });
  }
  window.addEventListener("hashchange", show);
  show();
})();

// A chart wider than the screen (the chronology's, on a phone) opens at its latest end, with a
// line saying the rest is a swipe away.
(function () {
  Array.prototype.forEach.call(document.querySelectorAll(".fs-chart"), function (box) {
    if (box.scrollWidth <= box.clientWidth + 1) return;
    box.scrollLeft = box.scrollWidth;
    var note = document.createElement("p");
    note.className = "fs-swipe";
    note.textContent = "Showing the latest years: swipe the chart sideways for earlier ones.";
    box.parentNode.insertBefore(note, box);
  });
})();
