// Every page: the CSRF token on htmx requests, the browser's time zone where a form asks for it,
// form errors (422) swapped in like a page, and network trouble shown and retried.
const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? "";
const banner = document.getElementById("network");

function showNetwork(message) {
  if (!banner) return;
  banner.textContent = message;
  banner.hidden = !message;
}

function fillTimezones(root) {
  const zone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  for (const input of root.querySelectorAll("[data-browser-timezone]")) {
    if (!input.value && zone) input.value = zone;
  }
}

function setUp() {
  const htmx = window.htmx;
  fillTimezones(document);
  if (!htmx) return;
  // A form the server refused (422, 409, 429) comes back with its messages: show it.
  htmx.config.responseHandling = [
    { code: "204", swap: false },
    { code: "[23]..", swap: true },
    { code: "(409|422|429)", swap: true },
    { code: "[45]..", swap: false, error: true },
  ];
  document.body.addEventListener("htmx:configRequest", (event) => {
    event.detail.headers["X-CSRF-Token"] = csrf;
  });
  document.body.addEventListener("htmx:afterSwap", (event) => fillTimezones(event.target));
  document.body.addEventListener("htmx:afterRequest", (event) => {
    if (event.detail.successful || event.detail.xhr?.status < 500) showNetwork("");
  });
  document.body.addEventListener("htmx:sendError", (event) => {
    showNetwork("Cannot reach White Cell. Retrying in 5 seconds…");
    const source = event.detail.elt;
    const trigger = event.detail.requestConfig?.triggeringEvent?.type;
    if (source && event.detail.requestConfig?.verb === "get") {
      setTimeout(() => window.htmx.trigger(source, trigger || "refresh"), 5000);
    }
  });
  document.body.addEventListener("htmx:responseError", (event) => {
    const status = event.detail.xhr?.status;
    if (status >= 500) showNetwork("White Cell could not do that just now. Try again in a moment.");
    else if (status === 403) showNetwork("This page expired. Reload it and try again.");
  });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setUp);
else setUp();
