// The path finder's drawing: the warm paths (blue) inside the people around them (grey).
// Labels keep one size on the screen whatever the zoom (13 px for the people on a path; the
// people around them are named when tapped), and tapping someone says who they are below.
(function () {
  "use strict";
  var LABEL_PX = 13;

  function show(panel, node) {
    panel.textContent = "";
    var link = document.createElement("a");
    link.href = "/people/" + node.id();
    var name = document.createElement("bdi");
    name.textContent = node.data("label");
    link.appendChild(name);
    panel.appendChild(link);
    if (node.data("what")) {
      var what = document.createElement("bdi");
      what.textContent = node.data("what");
      panel.appendChild(document.createTextNode(" · "));
      panel.appendChild(what);
    }
    panel.appendChild(document.createTextNode(" · open their page, or double-tap them"));
  }

  function draw(box) {
    var panel = document.getElementById("network-person");
    fetch(box.getAttribute("data-src"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
      .then(function (data) {
        var cy;
        function px(size) { return function () { return size / (cy ? cy.zoom() : 1); }; }
        cy = window.cytoscape({
          container: box,
          elements: { nodes: data.nodes, edges: data.edges },
          wheelSensitivity: 0.3,
          style: [
            { selector: "node", style: {
              "label": "", "font-size": px(LABEL_PX), "color": "#1c2731",
              "text-valign": "bottom", "text-margin-y": px(3), "width": 14, "height": 14,
              "background-color": "#c3ccd5", "text-wrap": "ellipsis", "text-max-width": px(140),
              "text-background-color": "#ffffff", "text-background-opacity": 0.85,
              "text-background-padding": px(2), "text-background-shape": "roundrectangle" } },
            { selector: "node[role != 'around'], node:selected", style: { "label": "data(label)" } },
            { selector: "node[role = 'on']", style: { "background-color": "#1f6feb", "width": 20, "height": 20, "font-weight": 600 } },
            { selector: "node[role = 'me']", style: { "background-color": "#102a43", "width": 26, "height": 26, "font-weight": 700 } },
            { selector: "node[role = 'target']", style: { "background-color": "#d97706", "width": 24, "height": 24, "font-weight": 700 } },
            { selector: "edge", style: { "width": 1, "line-color": "#d5dde5", "curve-style": "haystack" } },
            { selector: "edge[?path]", style: { "width": 3.5, "line-color": "#1f6feb", "z-index": 9 } },
            { selector: "node:selected", style: { "border-width": 3, "border-color": "#7cc4ff", "z-index": 20 } }
          ],
          layout: { name: "cose", animate: false, nodeRepulsion: 9000, idealEdgeLength: 70, randomize: false, fit: true, padding: 24 }
        });
        cy.on("zoom", function () { cy.style().update(); });
        cy.on("tap", "node", function (event) {
          box.setAttribute("data-selected", event.target.data("label"));
          box.setAttribute("data-selected-id", event.target.id());
          if (panel) { show(panel, event.target); }
        });
        cy.on("dbltap", "node", function (event) { window.location.href = "/people/" + event.target.id(); });
        cy.style().update();
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
