// The note editor's `[[` link autocomplete: typing `[[` and the start of a title offers the
// user's note titles (GET /study/notes/titles); arrows move, Enter or Tab inserts `[[Title]]`,
// Escape closes. The preview beside it is htmx's (templates/study/notes_edit.html).
const area = document.getElementById("f-content");
const list = document.getElementById("link-suggestions");
const status = document.getElementById("link-status");
const OPEN_LINK = /\[\[([^\[\]\n|#]{0,100})$/;
let items = [];
let active = -1;
let asked = 0;
let timer = null;

function close() {
  list.hidden = true;
  list.replaceChildren();
  items = [];
  active = -1;
  area.removeAttribute("aria-activedescendant");
}

function highlight(index) {
  active = index;
  for (const [i, option] of [...list.children].entries()) {
    option.setAttribute("aria-selected", String(i === index));
  }
  if (index >= 0) area.setAttribute("aria-activedescendant", `link-option-${index}`);
  else area.removeAttribute("aria-activedescendant");
}

function typedTitle() {
  const before = area.value.slice(0, area.selectionStart);
  const match = OPEN_LINK.exec(before);
  return match && area.selectionStart === area.selectionEnd ? match[1] : null;
}

function insert(title) {
  const caret = area.selectionStart;
  const before = area.value.slice(0, caret).replace(OPEN_LINK, "");
  let after = area.value.slice(caret);
  if (after.startsWith("]]")) after = after.slice(2);
  const link = `[[${title}]]`;
  area.value = before + link + after;
  const at = before.length + link.length;
  area.setSelectionRange(at, at);
  close();
  status.textContent = `Linked ${title}`;
  area.dispatchEvent(new Event("input", { bubbles: true })); // the preview follows
}

function show(titles) {
  close();
  items = titles;
  if (!titles.length) {
    status.textContent = "No note with that title yet";
    return;
  }
  for (const [i, title] of titles.entries()) {
    const option = document.createElement("li");
    option.id = `link-option-${i}`;
    option.setAttribute("role", "option");
    option.setAttribute("aria-selected", "false");
    option.textContent = title; // text, never markup
    option.addEventListener("mousedown", (event) => {
      event.preventDefault(); // keep the caret in the textarea
      insert(title);
    });
    list.append(option);
  }
  list.hidden = false;
  highlight(0);
  status.textContent = `${titles.length} note${titles.length === 1 ? "" : "s"} to link`;
}

async function suggest() {
  const typed = typedTitle();
  if (typed === null) {
    close();
    return;
  }
  const ticket = ++asked;
  try {
    const response = await fetch(`/study/notes/titles?q=${encodeURIComponent(typed)}`, {
      headers: { Accept: "application/json" },
    });
    if (!response.ok || ticket !== asked) return;
    const body = await response.json();
    if (ticket === asked && typedTitle() !== null) show(body.items);
  } catch {
    close(); // offline: the editor still works without suggestions
  }
}

if (area && list && status) {
  area.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(suggest, 120);
  });
  area.addEventListener("keydown", (event) => {
    if (list.hidden || !items.length) return;
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      const step = event.key === "ArrowDown" ? 1 : -1;
      highlight((active + step + items.length) % items.length);
    } else if ((event.key === "Enter" || event.key === "Tab") && active >= 0) {
      event.preventDefault();
      insert(items[active]);
    } else if (event.key === "Escape") {
      event.preventDefault();
      close();
    }
  });
  area.addEventListener("blur", () => setTimeout(close, 150));
}
