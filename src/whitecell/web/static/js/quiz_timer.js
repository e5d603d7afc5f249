// A quiz's time limit, counted down from the seconds the server said were left; when time runs
// out the answers given so far are submitted (the server refuses them 5 s after the limit).
const timer = document.getElementById("quiz-timer");
const alert = document.getElementById("quiz-timer-alert");
const form = document.getElementById("quiz-form");
const WARN_AT = [60, 10];

function format(seconds) {
  const m = Math.floor(seconds / 60);
  const s = String(seconds % 60).padStart(2, "0");
  return `${m}:${s}`;
}

if (timer && form) {
  const end = performance.now() + Number(timer.dataset.remaining || 0) * 1000;
  let submitted = false;
  form.addEventListener("submit", () => {
    submitted = true;
  });
  const tick = () => {
    const left = Math.max(0, Math.ceil((end - performance.now()) / 1000));
    timer.textContent = `Time left: ${format(left)}`;
    timer.classList.toggle("urgent", left <= 60);
    if (WARN_AT.includes(left) && alert) alert.textContent = `${left} seconds left`;
    if (left === 0) {
      clearInterval(interval);
      if (alert) alert.textContent = "Time is up: submitting your answers";
      if (!submitted) {
        submitted = true;
        form.requestSubmit();
      }
    }
  };
  const interval = setInterval(tick, 250);
  tick();
}
