// Poshtiban: tiny progressive enhancements; every page works without JavaScript.
document.addEventListener("keydown", (event) => {
  if (event.target.closest("input, textarea, select, [contenteditable]")) return;
  const key = event.key;
  const go = (selector) => { const el = document.querySelector(selector); if (el) { event.preventDefault(); el.click ? el.click() : el.focus(); } };
  if (key === "r") go("[data-shortcut=reply]");
  else if (key === "n") go("[data-shortcut=note]");
  else if (key === "j") go("[data-shortcut=next]");
});
