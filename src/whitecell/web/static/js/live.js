// The dashboard, live: one WebSocket to the realtime feed (signed in by the session cookie),
// one subscription per table the sections show; a change refreshes the sections that read it.
const sections = () => [...document.querySelectorAll("[data-tables]")];
const tables = [...new Set(sections().flatMap((s) => s.dataset.tables.split(" ")))];
const pending = new Set();
let timer = null;
let retry = 1000;

function refresh(table) {
  for (const section of sections()) {
    if (section.dataset.tables.split(" ").includes(table)) pending.add(section.id);
  }
  clearTimeout(timer);
  // Changes of one write arrive together: refresh each section once.
  timer = setTimeout(() => {
    for (const id of pending) {
      const section = document.getElementById(id);
      if (section) window.htmx.trigger(section, "refresh");
    }
    pending.clear();
  }, 150);
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/api/v1/realtime`);
  let ready = false;
  socket.addEventListener("message", (event) => {
    const message = JSON.parse(event.data);
    if (message.type === "ready") {
      ready = true;
      retry = 1000;
      for (const table of tables) {
        socket.send(JSON.stringify({ type: "subscribe", id: table, table, limit: 1 }));
      }
      // Anything missed while away: refresh all once.
      if (connect.before) tables.forEach(refresh);
      connect.before = true;
    } else if (message.type === "change") {
      refresh(message.id);
    } else if (message.type === "ping") {
      socket.send(JSON.stringify({ type: "pong" }));
    }
  });
  socket.addEventListener("close", (event) => {
    if (event.code === 4401) {
      location.assign("/signin"); // signed out elsewhere
      return;
    }
    setTimeout(connect, retry);
    retry = Math.min(retry * 2, 30000);
    if (!ready) return;
  });
}

if (tables.length) connect();
