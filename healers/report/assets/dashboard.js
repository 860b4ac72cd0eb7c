// heal's dashboard and HTML report: drill-down from the address's #fragment and, on the live
// page (`heal dashboard --web`), updates pushed by the server (server-sent events). Inlined into
// the page; it fetches nothing but the page's own /healing/main fragment.
(function () {
  "use strict";

  function openFromHash() {
    document.querySelectorAll(".open").forEach(function (el) { el.classList.remove("open"); });
    var id = decodeURIComponent(location.hash.slice(1));
    var el = id ? document.getElementById(id) : null;
    if (!el) { return; }
    el.classList.add("open");
    var drill = el.closest(".drill");
    if (drill) { drill.classList.add("open"); }
  }

  window.addEventListener("hashchange", openFromHash);
  openFromHash();
  if (document.body.dataset.live !== "1") { return; }

  var badge = document.getElementById("live");
  var pending = false;
  var again = false;

  function refresh() {
    if (pending) { again = true; return; }
    pending = true;
    fetch("/healing/main", { cache: "no-store" })
      .then(function (r) { if (!r.ok) { throw new Error(String(r.status)); } return r.text(); })
      .then(function (html) {
        var open = Array.prototype.map.call(document.querySelectorAll("details[open]"),
          function (d) { return d.id; }).filter(Boolean);
        var holder = document.createElement("template");
        holder.innerHTML = html;  // heal's own HTML: every value in it was escaped by heal
        var fresh = holder.content.firstElementChild;
        document.getElementById("main").replaceWith(fresh);
        open.forEach(function (id) { var d = document.getElementById(id); if (d) { d.open = true; } });
        openFromHash();
      })
      .catch(function () { badge.textContent = "update failed: reload the page"; })
      .then(function () {
        pending = false;
        if (again) { again = false; refresh(); }
      });
  }

  var events = new EventSource("/healing/events");
  events.addEventListener("update", function (event) {
    // sent on connecting too: the page is fetched again only when it is not the newest
    if (event.data !== document.getElementById("main").dataset.generation) { refresh(); }
  });
  events.onopen = function () { badge.textContent = "live"; badge.className = "on"; };
  events.onerror = function () { badge.textContent = "reconnecting…"; badge.className = ""; };
})();
