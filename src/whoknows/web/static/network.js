// The path finder's drawing: the warm paths (blue) inside the people around them (grey).
(function () {
  "use strict";
  function draw(box) {
    fetch(box.getAttribute("data-src"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) {
        var cy = window.cytoscape({
          container: box,
          elements: { nodes: data.nodes, edges: data.edges },
          wheelSensitivity: 0.3,
          style: [
            { selector: "node", style: {
              "label": "data(label)", "font-size": 10, "color": "#1c2731",
              "text-valign": "bottom", "text-margin-y": 3, "width": 14, "height": 14,
              "background-color": "#c3ccd5", "text-wrap": "ellipsis", "text-max-width": 110 } },
            { selector: "node[role = 'on']", style: { "background-color": "#1f6feb", "width": 20, "height": 20, "font-weight": 600 } },
            { selector: "node[role = 'me']", style: { "background-color": "#102a43", "width": 26, "height": 26, "font-weight": 700 } },
            { selector: "node[role = 'target']", style: { "background-color": "#d97706", "width": 24, "height": 24, "font-weight": 700 } },
            { selector: "edge", style: { "width": 1, "line-color": "#d5dde5", "curve-style": "haystack" } },
            { selector: "edge[?path]", style: { "width": 3.5, "line-color": "#1f6feb", "z-index": 9 } },
            { selector: "node:selected", style: { "border-width": 3, "border-color": "#7cc4ff" } }
          ],
          layout: { name: "cose", animate: false, nodeRepulsion: 9000, idealEdgeLength: 70, randomize: false, fit: true, padding: 20 }
        });
        cy.on("tap", "node", function (event) {
          var id = event.target.id();
          cy.elements().removeClass("faded");
          box.setAttribute("data-selected", event.target.data("label"));
          box.setAttribute("data-selected-id", id);
        });
        cy.on("dbltap", "node", function (event) { window.location.href = "/people/" + event.target.id(); });
        window.whoknowsNetwork = cy;
        box.setAttribute("data-ready", String(cy.nodes().length));
      })
      .catch(function (status) { box.textContent = "The drawing could not be loaded (" + status + ")."; box.setAttribute("data-ready", "error"); });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var box = document.getElementById("network");
    if (box && window.cytoscape) { draw(box); }
  });
})();
