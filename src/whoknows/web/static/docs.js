// /docs: Swagger UI over this server's OpenAPI schema, from vendored files (the CSP allows no
// inline script and no CDN). Try-it-out requests carry the session cookie like the pages do.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("swagger-ui");
    if (!box || !window.SwaggerUIBundle) { return; }
    window.SwaggerUIBundle({
      url: box.getAttribute("data-spec"),
      dom_id: "#swagger-ui",
      deepLinking: true,
      presets: [window.SwaggerUIBundle.presets.apis],
      layout: "BaseLayout"
    });
  });
})();
