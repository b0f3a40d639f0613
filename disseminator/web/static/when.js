// Shows what a typed time phrase means (the server reads it exactly as the CLI does),
// under every input marked data-when-check. Served from the package: no inline script.
(function () {
  "use strict";
  function watch(input) {
    var out = document.getElementById(input.getAttribute("aria-describedby"));
    var timer = null;
    var asked = 0;
    function ask() {
      var text = input.value.trim();
      var mine = ++asked;
      if (!text) { out.textContent = ""; return; }
      fetch(input.dataset.whenCheck + "?text=" + encodeURIComponent(text), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (data) {
          if (mine !== asked) { return; }
          out.textContent = data.ok ? "→ " + data.shown : data.error;
          out.classList.toggle("bad", !data.ok);
        })
        .catch(function () { out.textContent = ""; });
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(ask, 250);
    });
    if (input.value) { ask(); }
  }
  document.querySelectorAll("input[data-when-check]").forEach(watch);
})();
