// Pickers (see crates/web/src/pick.rs): a text field that points at a record suggests
// matching records as one types. Without this script the field still works: the server
// looks the typed name up and asks when it fits none or several.
"use strict";
(function () {
  function attach(input) {
    var list = document.getElementById(input.getAttribute("list"));
    var source = input.getAttribute("data-pick");
    var timer = null;
    var asked = "";
    input.addEventListener("input", function () {
      var q = input.value.trim();
      // A suggestion chosen ("… · #42") is complete: nothing more to ask.
      if (q.length < 2 || /#\d+$/.test(q) || q === asked) return;
      clearTimeout(timer);
      timer = setTimeout(function () {
        asked = q;
        fetch("/pick/" + source + "?q=" + encodeURIComponent(q), {
          credentials: "same-origin",
          headers: { Accept: "application/json" }
        })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (choices) {
            if (input.value.trim() !== q) return;
            list.textContent = "";
            choices.forEach(function (c) {
              var o = document.createElement("option");
              o.value = c.label + " · #" + c.id;
              list.appendChild(o);
            });
          })
          .catch(function () {});
      }, 150);
    });
  }
  document.querySelectorAll("input[data-pick]").forEach(attach);
})();
