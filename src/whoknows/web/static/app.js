// whoknows: the little script the pages need (no inline script anywhere: the CSP forbids it).
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta ? meta.getAttribute("content") : "";

  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRF-Token"] = token;
  });
  // Show error answers (4xx) in the flash area instead of dropping them.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status >= 400 && status < 600) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
      event.detail.target = document.getElementById("flash");
    }
  });
  // Clear the capture form after a person was added, and keep the focus for the next one.
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (form && form.matches && form.matches("form[data-reset]") && event.detail.successful) {
      form.reset();
      var first = form.querySelector("input[autofocus], input[type=text]");
      if (first) { first.focus(); }
      var flash = document.getElementById("flash");
      if (flash) { flash.innerHTML = ""; }
    }
  });
  // Forms that ask before they act (data-confirm).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var ask = form.getAttribute && form.getAttribute("data-confirm");
    if (ask && !window.confirm(ask)) { event.preventDefault(); }
  }, true);
})();
