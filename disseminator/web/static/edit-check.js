// The post page's edit form: as the officer types, the server checks the text against
// the channel's rules (exactly what saving it would say) and the counts are shown.
// Served from the package: no inline script; the CSRF token goes as a header.
(function () {
  "use strict";
  var area = document.querySelector("textarea[data-check]");
  if (!area) { return; }
  var out = document.getElementById(area.getAttribute("aria-describedby"));
  var token = area.form.querySelector("input[name=csrf]").value;
  // The words come translated from the page (the CLI's catalogs), never from here.
  var words = { ok: area.dataset.wordOk, part: area.dataset.wordPart, of: area.dataset.wordOf };
  var timer = null;
  var asked = 0;
  function show(data) {
    var counts = data.parts.map(function (p, i) {
      var n = data.parts.length > 1 ? words.part + " " + (i + 1) + ": " : "";
      return n + p.count + (p.limit ? " " + words.of + " " + p.limit : "");
    }).join(" · ");
    out.textContent = (counts ? counts + " — " : "") + (data.ok ? words.ok : data.error);
    out.classList.toggle("bad", !data.ok);
    area.setAttribute("aria-invalid", data.ok ? "false" : "true");
  }
  function ask() {
    var mine = ++asked;
    var body = new URLSearchParams();
    body.set("text", area.value);
    fetch(area.dataset.check, {
      method: "POST", credentials: "same-origin", body: body,
      headers: { "X-CSRF-Token": token }
    }).then(function (r) { return r.json(); })
      .then(function (data) { if (mine === asked) { show(data); } })
      .catch(function () { out.textContent = ""; });
  }
  area.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(ask, 250); });
  ask();
})();
