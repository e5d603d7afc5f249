// The review session's keys (docs/web.md, "Study: review and flashcards"): Space shows the
// answer, 1-4 grade the card once the answer shows, U undoes the last grade. None of them fire
// while typing in a field, or with a modifier held (browser and screen-reader shortcuts).
function typing(target) {
  if (!(target instanceof Element)) return false;
  return Boolean(target.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']"));
}

function showAnswer() {
  const back = document.getElementById("card-back");
  const form = document.getElementById("grade-form");
  const button = document.getElementById("show-answer");
  if (!back || !back.hidden) return false;
  back.hidden = false;
  if (form) form.hidden = false;
  if (button) {
    button.setAttribute("aria-expanded", "true");
    button.hidden = true;
  }
  // Focus the usual answer, so Space or Enter then means Good (as in Anki).
  document.querySelector('button[data-grade="3"]')?.focus();
  return true;
}

function answerShown() {
  const back = document.getElementById("card-back");
  return Boolean(back && !back.hidden);
}

function onKey(event) {
  if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
  // While a grade or undo is on its way, keys wait for the next card (no double grade).
  if (typing(event.target) || document.querySelector("#review-session .htmx-request")) return;
  const key = event.key;
  if (key === " " || key === "Spacebar") {
    if (showAnswer()) event.preventDefault();
  } else if (["1", "2", "3", "4"].includes(key)) {
    if (!answerShown()) return;
    const button = document.querySelector(`button[data-grade="${key}"]`);
    if (button) {
      event.preventDefault();
      button.click();
    }
  } else if (key === "u" || key === "U") {
    const undo = document.getElementById("undo");
    if (undo) {
      event.preventDefault();
      undo.click();
    }
  }
}

function setUp() {
  document.addEventListener("keydown", onKey);
  document.body.addEventListener("click", (event) => {
    if (event.target instanceof Element && event.target.closest("#show-answer")) showAnswer();
  });
  // A new card (htmx:load fires on the swapped-in session): keyboard focus goes to its "Show
  // answer", or to the progress once the session is over.
  document.body.addEventListener("htmx:load", (event) => {
    if (event.target?.id !== "review-session") return;
    const next = document.getElementById("show-answer") ?? document.getElementById("review-progress");
    if (next?.id === "review-progress") next.setAttribute("tabindex", "-1");
    next?.focus();
  });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
else setUp();
