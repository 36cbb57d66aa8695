// Part of the fact sheet's scripts (see factsheet.js): no library, nothing from the network.
// Search: of several words, the pages holding more of them come first. Material's search lists a
// page for any one word (each may be the start of a longer one) and ranks by how rare the word
// is: "Kim Jong Un" ranked Yonsei University, the Ministry of Unification and the Soviet Union
// (a word starting "un", nothing else) above every meeting with Kim. Its results reach the page
// as messages {type: 3, data: {items: [[page, its sections…], …]}}, each item saying which of
// the query's words it holds (terms). They are put in order here of how many of the words a page
// holds in any of its parts; then the page whose title is the query; then of how many of the
// words its own entry (title, opening, keywords) holds; keeping the theme's order otherwise.
// None is dropped: a typo, or a word no page holds, still finds what the theme finds.
(function () {
  var Worker = window.Worker;  // on file://, the iframe shim that stands in for workers
  if (!Worker) return;
  var RESULT = 3;
  // lunr's English stop words: prefixes all the same for the theme ("in" finds "inter-Korean"),
  // so not counted, or "Moon Jae-in" would favour pages with a word starting "in".
  var LEFT_OUT = {};
  ("a able about across after all almost also am among an and any are as at be because been but " +
   "by can cannot could dear did do does either else ever every for from get got had has have he " +
   "her hers him his how however i if in into is it its just least let like likely may me might " +
   "most must my neither no nor not of off often on only or other our own rather said say says " +
   "she should since so some than that the their them then there these they this tis to too twas " +
   "us wants was we were what when where which while who whom why will with would yet you your")
    .split(" ").forEach(function (w) { LEFT_OUT[w] = true; });
  var SEPARATOR = /[\s\-]+/;  // the search's own (mkdocs.yml: Material's default)
  var INERT = document.implementation.createHTMLDocument("");

  function held(items) {
    var words = {};
    items.forEach(function (item) {
      var terms = (item && item.terms) || {};
      Object.keys(terms).forEach(function (word) { if (terms[word] && !LEFT_OUT[word]) words[word] = true; });
    });
    return Object.keys(words).length;
  }

  // The page's own entry (its title, opening and search keywords), not one of its sections.
  function top(group) {
    return group.filter(function (item) { return item && String(item.location).indexOf("#") < 0; });
  }

  // Whether the page's own entry is titled as the query, stop words aside ("Russia", not
  // "Russian media"); titles reach here marked up where they match.
  function named(page) {
    if (!page || !page.title || !page.terms) return 0;
    var asked = Object.keys(page.terms).filter(function (w) { return !LEFT_OUT[w]; }).sort();
    INERT.body.innerHTML = page.title;  // a document of its own: nothing in it loads or runs
    var title = INERT.body.textContent.toLowerCase().split(SEPARATOR).filter(function (w) {
      return w && !LEFT_OUT[w];
    }).sort();
    return asked.length && asked.join(" ") === title.join(" ") ? 1 : 0;
  }

  function reorder(event) {
    var message = event.data;
    if (!message || message.type !== RESULT || !message.data || !Array.isArray(message.data.items)) return;
    var items = message.data.items;
    var ranked = items.map(function (group, i) {
      var own = top(group);
      return { group: group, held: held(group), named: named(own[0]), first: held(own), at: i };
    });
    ranked.sort(function (a, b) {
      return b.held - a.held || b.named - a.named || b.first - a.first || a.at - b.at;
    });
    ranked.forEach(function (r, i) { items[i] = r.group; });
  }

  // Listened to before the theme does, so it shows the order made here: this script is loaded
  // before the theme's, which starts its worker as soon as it runs (overrides/main.html).
  window.Worker = function (url, options) {
    var worker = new Worker(url, options);
    worker.addEventListener("message", reorder);
    return worker;
  };
  window.Worker.prototype = Worker.prototype;
})();
