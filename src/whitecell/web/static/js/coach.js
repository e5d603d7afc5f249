// The coach's page (docs/ai.md, "In the browser"): a message goes as the form would send it,
// asking for events; the reply shows as it is written, then the server's own rendering of the
// two stored messages (their sources linked) takes its place. Without this script the form
// posts and the page comes back with the reply. Enter sends; Shift+Enter is a new line.
const form = document.querySelector("[data-coach-form]");
const list = document.getElementById("messages");
const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? "";

function bubble(role, text) {
  const article = document.createElement("article");
  article.className = `message ${role} pending`;
  const body = document.createElement("p");
  body.className = "message-text";
  body.textContent = text;
  article.append(body);
  list.append(article);
  article.scrollIntoView({ block: "end" });
  return body;
}

function showError(message) {
  const error = document.getElementById("e-content");
  error.textContent = message;
  error.hidden = !message;
  form.querySelector("textarea").setAttribute("aria-invalid", message ? "true" : "false");
}

function parseEvents(buffer, onEvent) {
  // Complete events end with a blank line; what follows stays for the next chunk.
  const blocks = buffer.split("\n\n");
  const rest = blocks.pop();
  for (const block of blocks) {
    let event = "message";
    let data = "";
    for (const line of block.split("\n")) {
      if (line.startsWith("event: ")) event = line.slice(7);
      else if (line.startsWith("data: ")) data += line.slice(6);
    }
    onEvent(event, data ? JSON.parse(data) : null);
  }
  return rest;
}

async function refusal(response) {
  // A refused message (422, 429, 502...) comes back as the page with its message.
  const html = await response.text();
  const page = new DOMParser().parseFromString(html, "text/html");
  return page.getElementById("e-content")?.textContent?.trim() || "The coach could not answer. Try again.";
}

async function send(event) {
  event.preventDefault();
  const textarea = form.querySelector("textarea");
  const content = textarea.value.trim();
  if (!content || form.dataset.busy) return;
  form.dataset.busy = "1";
  form.querySelector("button[type=submit]").disabled = true;
  showError("");
  document.getElementById("no-messages")?.remove();
  const mine = bubble("user", content);
  const reply = bubble("assistant", "…");
  let text = "";
  let finished = false;
  const undo = (message) => {
    mine.parentElement.remove();
    reply.parentElement.remove();
    textarea.value = content;
    showError(message);
  };
  try {
    const body = new URLSearchParams(new FormData(form));
    textarea.value = "";
    const response = await fetch(form.action, {
      method: "POST",
      body,
      headers: { Accept: "text/event-stream", "X-CSRF-Token": csrf },
      credentials: "same-origin",
    });
    if (!response.ok || !response.headers.get("content-type")?.startsWith("text/event-stream")) {
      undo(await refusal(response));
      return;
    }
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer = parseEvents(buffer + value, (kind, data) => {
        if (kind === "delta") {
          text += data.text;
          reply.textContent = text;
        } else if (kind === "done") {
          finished = true;
          mine.parentElement.remove();
          reply.parentElement.remove();
          list.insertAdjacentHTML("beforeend", data.html);
          list.lastElementChild?.scrollIntoView({ block: "end" });
        } else if (kind === "error") {
          finished = true;
          undo(data.detail);
        }
      });
    }
    if (!finished) undo("The connection dropped before the reply was stored. Try again.");
  } catch {
    undo("Cannot reach White Cell. Check the connection and try again.");
  } finally {
    delete form.dataset.busy;
    form.querySelector("button[type=submit]").disabled = false;
    textarea.focus();
  }
}

if (form && list) {
  form.addEventListener("submit", send);
  form.querySelector("textarea").addEventListener("keydown", (event) => {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
}
