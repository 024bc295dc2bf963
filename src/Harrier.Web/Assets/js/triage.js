// The triage grid (pages /triage and /triage/first-seen): keyboard focus, categorisation and one-at-a-time reveal.
// No inline script or style anywhere (the CSP forbids them). The original bytes of a file are fetched once through a
// one-use grant into a blob: URL, shown muted (video) and blurred again on their own after the page's reveal time.
(function () {
  "use strict";
  const grid = document.getElementById("grid");
  if (!grid) return;
  const tiles = Array.from(grid.querySelectorAll(".tile[data-id]"));
  const tokenInput = document.querySelector("#triage-token input[name=__RequestVerificationToken]");
  const token = tokenInput ? tokenInput.value : "";
  const panel = document.getElementById("reveal");
  const status = document.getElementById("triage-status");
  const seconds = Number(grid.dataset.revealSeconds) || 10;
  const scheme = grid.dataset.scheme || "VICS-US";
  const labels = {};
  document.querySelectorAll("#legend li[data-code]").forEach(function (li) { labels[li.dataset.code] = li.dataset.label; });
  let focused = -1;
  let revealed = null; // { url, tile, timer }
  let generation = 0;  // a reveal answered after a newer one started is dropped

  function say(text, bad) {
    if (!status) return;
    status.textContent = text;
    status.classList.toggle("error", !!bad);
  }

  function focusTile(i) {
    if (tiles.length === 0) return;
    focused = Math.max(0, Math.min(tiles.length - 1, i));
    tiles.forEach(function (t, n) { t.classList.toggle("focused", n === focused); });
    if (document.activeElement !== tiles[focused]) tiles[focused].focus();
  }

  function columns() {
    if (tiles.length === 0) return 1;
    const top = tiles[0].offsetTop;
    let n = 0;
    while (n < tiles.length && tiles[n].offsetTop === top) n++;
    return Math.max(1, n);
  }

  async function post(url, body) {
    const r = await fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "X-Harrier-Antiforgery": token, "Content-Type": "application/json" },
      body: JSON.stringify(body || {}),
    });
    let json = {};
    try { json = await r.json(); } catch (e) { json = {}; }
    if (!r.ok) throw new Error(json.error || ("the server answered " + r.status));
    return json;
  }

  // Categorisations are sent one after another, in the order the keys were pressed: two quick keys must reach the case
  // in that order and the tile must show the last one, never an earlier answer that arrived late.
  let categorising = Promise.resolve();
  function categorise(tile, code) {
    categorising = categorising.then(function () { return sendCategory(tile, code); });
    return categorising;
  }

  async function sendCategory(tile, code) {
    const id = tile.dataset.id;
    say("evidence " + id + ": saving " + scheme + " " + code + "…");
    try {
      const j = await post("/api/triage/" + id + "/category", { scheme: scheme, code: code });
      tile.dataset.category = j.scheme + ":" + j.code;
      const cat = tile.querySelector(".cat");
      if (cat) {
        cat.textContent = j.scheme + " " + j.code + " · " + (j.label || labels[j.code] || "");
        cat.classList.add("mine");
        cat.title = "set by an analyst";
      }
      say("evidence " + id + ": " + j.scheme + " " + j.code + " saved" + (j.previous ? " (was " + j.previous + ")" : ""));
    } catch (e) {
      say("evidence " + id + ": not categorised: " + e.message, true);
    }
  }

  function reblur() {
    generation++;
    if (!revealed) return;
    clearTimeout(revealed.timer);
    URL.revokeObjectURL(revealed.url);
    revealed.tile.classList.remove("revealed");
    revealed = null;
    if (panel) { panel.replaceChildren(); panel.hidden = true; }
  }

  async function reveal(tile) {
    reblur();
    const mine = generation;
    const id = tile.dataset.id;
    say("evidence " + id + ": revealing…");
    try {
      const grant = await post("/api/media/" + id + "/reveal");
      const r = await fetch(grant.url, { credentials: "same-origin", cache: "no-store" });
      if (!r.ok) throw new Error("the original answered " + r.status);
      const blob = await r.blob();
      if (mine !== generation) return; // another reveal or a re-blur came first
      const url = URL.createObjectURL(blob);
      let media;
      if (grant.kind === "video") {
        media = document.createElement("video");
        media.muted = true;
        media.defaultMuted = true;
        media.setAttribute("muted", "");
        media.controls = true;
        media.preload = "metadata";
      } else {
        media = document.createElement("img");
        media.alt = "evidence " + id + ", revealed";
      }
      media.id = "revealed-media";
      media.src = url;
      const caption = document.createElement("p");
      caption.textContent = "evidence " + id + " (" + grant.kind + "), blurs again in " + (grant.seconds || seconds) + " s";
      const close = document.createElement("button");
      close.type = "button";
      close.textContent = "Blur now (Esc)";
      close.addEventListener("click", reblur);
      panel.replaceChildren(caption, media, close);
      panel.hidden = false;
      panel.dataset.id = id;
      tile.classList.add("revealed");
      revealed = { url: url, tile: tile, timer: setTimeout(reblur, (grant.seconds || seconds) * 1000) };
      say("evidence " + id + " revealed (audited)");
    } catch (e) {
      say("evidence " + id + ": not revealed: " + e.message, true);
    }
  }

  tiles.forEach(function (t, i) {
    t.addEventListener("focus", function () { if (focused !== i) focusTile(i); });
    const button = t.querySelector(".reveal-button");
    if (button) button.addEventListener("click", function (e) { e.stopPropagation(); focusTile(i); reveal(t); });
  });

  document.addEventListener("keydown", function (e) {
    const target = e.target;
    if (target && (target.tagName === "INPUT" || target.tagName === "SELECT" || target.tagName === "TEXTAREA")) return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    if (e.key === "Escape") { reblur(); return; }
    if (tiles.length === 0) return;
    const at = focused < 0 ? 0 : focused;
    switch (e.key) {
      case "ArrowRight": case "j": case "J": focusTile(focused < 0 ? 0 : at + 1); break;
      case "ArrowLeft": case "k": case "K": focusTile(at - 1); break;
      case "ArrowDown": focusTile(focused < 0 ? 0 : at + columns()); break;
      case "ArrowUp": focusTile(at - columns()); break;
      case "r": case "R": if (focused >= 0) reveal(tiles[focused]); break;
      default:
        if (Object.prototype.hasOwnProperty.call(labels, e.key) && focused >= 0) categorise(tiles[focused], e.key);
        else return;
    }
    e.preventDefault();
  });
})();
