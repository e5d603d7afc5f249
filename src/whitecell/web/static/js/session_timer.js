// The running study session's time, counted up from the seconds the server said had passed (the
// server times the session itself: start and stop are plain forms).
const timer = document.getElementById("session-timer");

function format(seconds) {
  const h = Math.floor(seconds / 3600);
  const m = String(Math.floor((seconds % 3600) / 60)).padStart(2, "0");
  const s = String(seconds % 60).padStart(2, "0");
  return h ? `${h}:${m}:${s}` : `${m}:${s}`;
}

if (timer) {
  const start = performance.now() - Number(timer.dataset.elapsed || 0) * 1000;
  const tick = () => {
    timer.textContent = format(Math.floor((performance.now() - start) / 1000));
  };
  tick();
  setInterval(tick, 1000);
}
