// The payment-flow graph: money from left to right, exchange → withdrawal → payer wallet → payment → platform deposit,
// with persons and their accounts beside the payments. Positions are computed here in one pass (a column per kind, a
// row per node), so a graph of thousands of nodes is laid out at once and stays interactive (no force simulation).
(function () {
  "use strict";
  const host = document.getElementById("flow");
  if (!host) return;
  const summary = document.getElementById("flow-summary");
  const detail = document.getElementById("flow-detail");
  const columns = { exchange: 0, service: 0, withdrawal: 1, stop: 1, wallet: 2, person: 2, account: 3, payment: 4, deposit: 5 };
  const colours = { exchange: "#24577a", service: "#6b4c9a", withdrawal: "#3d8bb8", stop: "#a32121", wallet: "#c07a1a",
                    person: "#1f6b3a", account: "#4f9a6a", payment: "#7a7f86", deposit: "#1d232b" };

  function text(el, value) { el.textContent = value; return el; }

  function showDetail(d) {
    detail.replaceChildren();
    const h = document.createElement("h2");
    detail.appendChild(text(h, d.kind ? d.kind + ": " + d.label : d.label));
    if (d.detail) detail.appendChild(text(document.createElement("p"), d.detail));
    if (d.kind === "person") {
      const a = document.createElement("a");
      a.href = "/persons/" + d.id.split(":")[1];
      detail.appendChild(text(a, "open the person"));
    }
  }

  function layout(nodes) {
    const rows = {};
    for (const n of nodes) {
      const c = columns[n.data.kind] ?? 6;
      const r = rows[c] = (rows[c] ?? 0) + 1;
      n.position = { x: c * 200, y: r * 40 };
    }
  }

  function table(data) {
    const t = document.createElement("table");
    t.className = "list";
    for (const e of data.edges) {
      const tr = document.createElement("tr");
      const byId = (id) => (data.nodes.find((n) => n.data.id === id) || { data: { label: id } }).data.label;
      tr.appendChild(text(document.createElement("td"), byId(e.data.source)));
      tr.appendChild(text(document.createElement("td"), "→ " + e.data.label + " →"));
      tr.appendChild(text(document.createElement("td"), byId(e.data.target)));
      t.appendChild(tr);
    }
    host.replaceChildren(t);
    host.classList.add("as-table");
  }

  fetch(host.dataset.src, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((r) => { if (!r.ok) throw new Error("the server answered " + r.status); return r.json(); })
    .then((data) => {
      summary.textContent = data.payments + " payments, " + data.attributed + " traced to a service; " + data.nodes.length + " nodes, " +
        data.edges.length + " edges" + (data.truncated ? " (cut at the limit)" : "") + (data.traced ? "" : "; no chain trace in this case yet");
      if (host.dataset.graph !== "cytoscape" || typeof cytoscape !== "function") { table(data); return; }
      layout(data.nodes);
      const big = data.nodes.length > 1500;
      const cy = cytoscape({
        container: host,
        elements: { nodes: data.nodes, edges: data.edges },
        layout: { name: "preset" },
        wheelSensitivity: 0.3,
        textureOnViewport: big,
        hideEdgesOnViewport: big,
        pixelRatio: big ? 1 : "auto",
        style: [
          { selector: "node", style: { "background-color": (n) => colours[n.data("kind")] || "#999", label: "data(label)", "font-size": 10,
            "min-zoomed-font-size": 8, "text-valign": "bottom", "text-margin-y": 3, width: 18, height: 18, "text-max-width": 200, "text-wrap": "ellipsis" } },
          { selector: "edge", style: { width: 1.2, "line-color": "#b8c0c9", "target-arrow-color": "#b8c0c9", "target-arrow-shape": "triangle",
            "curve-style": big ? "haystack" : "bezier", label: big ? "" : "data(label)", "font-size": 8, "min-zoomed-font-size": 8, color: "#5c6672" } },
          { selector: ":selected", style: { "background-color": "#e0a800", "line-color": "#e0a800", "target-arrow-color": "#e0a800" } },
        ],
      });
      cy.on("tap", "node, edge", (evt) => showDetail(evt.target.data()));
      host.dataset.ready = String(cy.nodes().length);
      window.harrierFlow = cy; // for the browser tests and the console
    })
    .catch((err) => { summary.textContent = "The flow could not be loaded: " + err.message; summary.classList.add("error"); });
})();
