// Counts down the time left on an assessment attempt (the server enforces the limit; this
// only shows it). A static file because the Content-Security-Policy blocks inline script.
(function () {
  "use strict";
  const timer = document.getElementById("timer");
  if (!timer) return;
  let seconds = parseInt(timer.dataset.seconds, 10);
  if (!Number.isFinite(seconds)) return;
  const tick = window.setInterval(function () {
    seconds = Math.max(0, seconds - 1);
    timer.textContent = seconds;
    if (seconds === 0) window.clearInterval(tick);
  }, 1000);
})();
