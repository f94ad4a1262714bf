// whoknows: the little script the pages need (no inline script anywhere: the CSP forbids it).
(function () {
  "use strict";
  var meta = document.querySelector('meta[name="csrf-token"]');
  var token = meta ? meta.getAttribute("content") : "";

  document.addEventListener("htmx:configRequest", function (event) {
    event.detail.headers["X-CSRF-Token"] = token;
  });
  // Error answers (4xx, 5xx) are shown, never dropped: where the server says (HX-Retarget,
  // e.g. the capture form again with each reason by its field), else in the flash area.
  // They stay errors (isError is left true): htmx must not take a refusal for a success.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    if (xhr.status >= 400 && xhr.status < 600) {
      event.detail.shouldSwap = true;
      if (!xhr.getResponseHeader("HX-Retarget")) {
        event.detail.target = document.getElementById("flash");
      }
    }
  });
  // After a swap, the focus goes where the user types next: the first field with a problem,
  // else the field that asks for it (the capture form's name, ready for the next person).
  document.addEventListener("htmx:afterSettle", function (event) {
    var box = event.detail.elt;
    if (!box || !box.querySelector) { return; }
    var next = box.querySelector("[aria-invalid=true]") || box.querySelector("[autofocus]");
    if (next && next.focus) { next.focus(); }
    if (event.detail.xhr && event.detail.xhr.status < 400 && box.id !== "flash") {
      var flash = document.getElementById("flash");
      if (flash) { flash.innerHTML = ""; }
    }
  });
  // A nav wider than the screen (a phone) says that it scrolls: "more" while some is hidden
  // to the right (the CSS fades that edge).
  function navMore() {
    var nav = document.querySelector(".nav");
    if (!nav) { return; }
    var hidden = nav.scrollLeft + nav.clientWidth < nav.scrollWidth - 2;
    nav.classList.toggle("more", hidden);
  }
  document.addEventListener("DOMContentLoaded", function () {
    var nav = document.querySelector(".nav");
    if (nav) { nav.addEventListener("scroll", navMore, { passive: true }); }
    navMore();
  });
  window.addEventListener("resize", navMore);
  // Forms that ask before they act (data-confirm).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var ask = form.getAttribute && form.getAttribute("data-confirm");
    if (ask && !window.confirm(ask)) { event.preventDefault(); }
  }, true);
})();
