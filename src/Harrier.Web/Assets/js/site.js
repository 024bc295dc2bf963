// The workbench's shared script (no inline script anywhere: the CSP forbids it).
// The session timer: time since this page's session started, with a reminder to take a break every 45 minutes.
(function () {
  "use strict";
  const timer = document.getElementById("session-timer");
  if (!timer) return;
  const key = "harrier.session.start";
  let start = Number(sessionStorage.getItem(key));
  if (!start) { start = Date.now(); sessionStorage.setItem(key, String(start)); }
  const breakEvery = 45 * 60 * 1000;
  function tick() {
    const ms = Date.now() - start;
    const m = Math.floor(ms / 60000), h = Math.floor(m / 60);
    timer.textContent = (h > 0 ? h + " h " : "") + (m % 60) + " min";
    const due = ms >= breakEvery && Math.floor(ms / breakEvery) > Number(sessionStorage.getItem("harrier.session.breaks") || 0);
    timer.classList.toggle("break", due);
    timer.title = due ? "Time for a break: step away from the screen for a few minutes. Click when you are back." : "time in this session";
  }
  timer.addEventListener("click", function () {
    sessionStorage.setItem("harrier.session.breaks", String(Math.floor((Date.now() - start) / breakEvery)));
    tick();
  });
  tick();
  setInterval(tick, 30000);
})();
