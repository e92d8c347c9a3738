// projreg site: the project table. Search, filters, sorting and pages run here,
// on the data the page carries; registry text only ever goes in as textContent.
(function () {
  "use strict";
  var ID = 0, TITLE = 1, COVERAGE = 2, DONORS = 3, START = 4, END = 5, STATUS = 6,
      HREF = 7, PLACES = 8, DONOR_KEYS = 9, EXTRA = 10;
  var LABELS = ["ID", "Title", "Coverage", "Donors", "Start", "End", "Status"];
  var script = document.currentScript;
  var pageSize = parseInt(script.getAttribute("data-page-size"), 10) || 50;
  var data = JSON.parse(document.getElementById("projects-data").textContent);
  var haystacks = data.map(function (p) {
    return [p[ID], p[TITLE], p[COVERAGE], p[DONORS], p[EXTRA]].join(" ").toLowerCase();
  });
  var order = data.map(function (_, i) { return i; });
  var state = { q: "", country: "", donor: "", status: "", key: ID, dir: 1, page: 0 };
  var el = function (id) { return document.getElementById(id); };
  var n = function (number) { return number.toLocaleString("en-US"); };
  var rows = el("rows"), count = el("count"), pageLabel = el("page");

  function matches(i) {
    var p = data[i];
    if (state.country && p[PLACES].indexOf(state.country) < 0) return false;
    if (state.donor && p[DONOR_KEYS].indexOf(state.donor) < 0) return false;
    if (state.status && p[STATUS] !== state.status) return false;
    if (state.q) {
      var words = state.q.toLowerCase().split(/\s+/);
      for (var w = 0; w < words.length; w++) {
        if (words[w] && haystacks[i].indexOf(words[w]) < 0) return false;
      }
    }
    return true;
  }

  function compare(a, b) {
    var x = data[a][state.key], y = data[b][state.key];
    if (x === y) return data[a][ID] < data[b][ID] ? -1 : 1;
    if (x === "") return 1;  // unknown dates last, whichever the direction
    if (y === "") return -1;
    return (x.toLowerCase() < y.toLowerCase() ? -1 : x.toLowerCase() > y.toLowerCase() ? 1 : 0) * state.dir ||
      (data[a][ID] < data[b][ID] ? -1 : 1);
  }

  function cell(row, text, label, cls) {
    var td = document.createElement("td");
    td.textContent = text;
    td.setAttribute("data-label", label);
    if (cls) td.className = cls;
    row.appendChild(td);
    return td;
  }

  function render() {
    var shown = order.filter(matches);
    var pages = Math.max(1, Math.ceil(shown.length / pageSize));
    state.page = Math.min(state.page, pages - 1);
    var first = state.page * pageSize;
    var slice = shown.slice(first, first + pageSize);
    var fragment = document.createDocumentFragment();
    slice.forEach(function (i) {
      var p = data[i], tr = document.createElement("tr");
      var td = cell(tr, "", LABELS[0], "id");
      var a = document.createElement("a");
      a.href = p[HREF];
      a.textContent = p[ID];
      td.appendChild(a);
      cell(tr, p[TITLE], LABELS[1]);
      cell(tr, p[COVERAGE] || "\u2014", LABELS[2]);
      cell(tr, p[DONORS] || "\u2014", LABELS[3]);
      cell(tr, p[START] || "\u2014", LABELS[4], "date");
      cell(tr, p[END] || "\u2014", LABELS[5], "date");
      cell(tr, p[STATUS], LABELS[6], "status");
      fragment.appendChild(tr);
    });
    rows.replaceChildren(fragment);
    count.textContent = shown.length === data.length
      ? "Showing " + n(shown.length ? first + 1 : 0) + "\u2013" + n(first + slice.length) + " of " + n(data.length) + " projects"
      : n(shown.length) + " of " + n(data.length) + " projects match" +
        (shown.length > pageSize ? "; showing " + n(first + 1) + "\u2013" + n(first + slice.length) : "");
    pageLabel.textContent = "Page " + n(state.page + 1) + " of " + n(pages);
    el("prev").disabled = state.page === 0;
    el("next").disabled = state.page >= pages - 1;
  }

  function sortBy(key) {
    state.dir = state.key === key ? -state.dir : 1;
    state.key = key;
    order.sort(compare);
    document.querySelectorAll("#table th").forEach(function (th) {
      var k = parseInt(th.getAttribute("data-key"), 10);
      if (k === key) th.setAttribute("aria-sort", state.dir > 0 ? "ascending" : "descending");
      else th.removeAttribute("aria-sort");
    });
    state.page = 0;
    render();
  }

  ["q", "country", "donor", "status"].forEach(function (name) {
    el(name).addEventListener("input", function (event) {
      state[name] = event.target.value.trim();
      state.page = 0;
      render();
    });
  });
  el("reset").addEventListener("click", function () {
    state.q = state.country = state.donor = state.status = "";
    state.page = 0;
    setTimeout(render, 0);  // after the form has cleared its fields
  });
  el("prev").addEventListener("click", function () { state.page -= 1; render(); });
  el("next").addEventListener("click", function () { state.page += 1; render(); });
  document.querySelectorAll("#table th button").forEach(function (button) {
    button.addEventListener("click", function () {
      sortBy(parseInt(button.parentNode.getAttribute("data-key"), 10));
    });
  });
  order.sort(compare);
  render();
})();
