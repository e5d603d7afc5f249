// An upload's progress (the Anki import): htmx reports the bytes sent; the bar shows them, and
// goes indeterminate while the server imports what it received.
document.body.addEventListener("htmx:xhr:progress", (event) => {
  const bar = document.getElementById("import-bar");
  const { loaded, total } = event.detail ?? {};
  if (!bar || !total) return;
  if (loaded >= total) bar.removeAttribute("value");
  else bar.value = Math.round((loaded / total) * 100);
});
