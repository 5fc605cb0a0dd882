// Poshtiban: small progressive enhancements; every page works without JavaScript.
(() => {
  const composer = () => document.getElementById("composer");
  const insert = (text) => {
    const box = composer();
    if (!box || !text) return;
    const start = box.selectionStart ?? box.value.length;
    box.value = box.value.slice(0, start) + text + box.value.slice(box.selectionEnd ?? start);
    box.focus();
  };

  // Keyboard shortcuts for the common moves (ignored while typing in a field).
  document.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    if (event.target.closest("input, textarea, select, [contenteditable]")) return;
    const map = { r: "reply", n: "note", j: "next", a: "take", e: "resolve" };
    const name = map[event.key];
    const el = name && document.querySelector(`[data-shortcut=${name}]`);
    if (!el) return;
    event.preventDefault();
    el.click();
    if (name === "reply" || name === "note") composer()?.focus();
  });

  // Knowledge-base picker: a result button carries the text to insert.
  document.addEventListener("click", (event) => {
    const pick = event.target.closest("[data-insert]");
    if (pick) { event.preventDefault(); insert(pick.dataset.insert); }
    const all = event.target.closest("[data-check-all]");
    if (all) document.querySelectorAll("input[name=tickets]").forEach((c) => { c.checked = all.checked; });
  });

  // Canned responses: fetch the text with placeholders filled for this ticket, then insert it.
  document.addEventListener("change", async (event) => {
    const select = event.target.closest("[data-canned-url]");
    if (!select || !select.value) return;
    const url = select.dataset.cannedUrl.replace(/\/0\/$/, `/${select.value}/`);
    const response = await fetch(url, { credentials: "same-origin" });
    if (response.ok) insert(await response.text());
    select.value = "";
  });

  // Count settled swaps: browser tests wait on it instead of guessing a delay.
  document.addEventListener("htmx:afterSettle", () => {
    document.body.dataset.swaps = String((Number(document.body.dataset.swaps) || 0) + 1);
  });

  // Tell the presence heartbeat whether this agent is typing (others see "X is typing").
  let idle;
  document.addEventListener("input", (event) => {
    if (event.target.id !== "composer") return;
    const flag = document.getElementById("typing-flag");
    if (!flag) return;
    flag.value = "1";
    clearTimeout(idle);
    idle = setTimeout(() => { flag.value = "0"; }, 8000);
  });
})();
