/* Public portal enhancements; every page works without this file.
   0. Focus goes to the error summary after a refused submit.
   1. The regency/city list shows only the chosen province's entries.
   2. Under a flood, the report form carries a small proof-of-work (hashcash) solved here:
      find a counter n with sha256(token + ":" + n) starting with `bits` zero bits. */
(function () {
  "use strict";
  // After a refused submit, move focus to the error summary so screen readers start there.
  var errors = document.getElementById("errors");
  if (errors) { errors.focus(); }

  var province = document.getElementById("id_province");
  var regency = document.getElementById("id_regency");
  if (province && regency) {
    var groups = Array.prototype.slice.call(regency.querySelectorAll("optgroup"));
    var sync = function () {
      var code = province.value;
      groups.forEach(function (g) {
        var first = g.querySelector("option");
        var match = !code || (first && first.value.indexOf(code + ".") === 0);
        g.hidden = !match;
        g.disabled = !match;
      });
      var chosen = regency.options[regency.selectedIndex];
      if (chosen && chosen.value && code && chosen.value.indexOf(code + ".") !== 0) { regency.value = ""; }
    };
    province.addEventListener("change", sync);
    sync();
  }

  var form = document.getElementById("report-form");
  if (!form || !window.crypto || !window.crypto.subtle || !window.TextEncoder) { return; }
  var bits = parseInt(form.getAttribute("data-pow-bits") || "0", 10);
  if (!bits) { return; }
  var token = form.getAttribute("data-pow-token");
  var field = document.getElementById("id_pow");
  var status = document.getElementById("pow-status");
  var enc = new TextEncoder();
  var solved = false;
  var pending = false;

  function zeroBits(buf) {
    var bytes = new Uint8Array(buf), n = 0;
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) { n += 8; continue; }
      var b = bytes[i];
      while ((b & 0x80) === 0) { n++; b <<= 1; }
      return n;
    }
    return n;
  }

  async function solve() {
    for (var n = 0; ; n++) {
      var h = await crypto.subtle.digest("SHA-256", enc.encode(token + ":" + n));
      if (zeroBits(h) >= bits) { return n; }
      if (n % 2000 === 1999) { await new Promise(function (r) { setTimeout(r, 0); }); }
    }
  }

  solve().then(function (n) {
    field.value = String(n);
    solved = true;
    if (status) { status.textContent = status.getAttribute("data-done") || "OK"; }
    if (pending) { form.submit(); }
  });

  form.addEventListener("submit", function (e) {
    if (!solved) { e.preventDefault(); pending = true; }
  });
})();
