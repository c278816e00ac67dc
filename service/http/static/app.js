// sourceguard editor page: linked highlighting, copy, view toggle. The page works without it.
"use strict";

function linkIdentity(mark, on) {
  const id = mark.dataset.identity;
  if (!id) return;
  document.querySelectorAll('mark.finding[data-identity="' + CSS.escape(id) + '"]').forEach((m) => {
    m.classList.toggle("linked", on);
  });
  const row = document.querySelector('#identities tr[data-identity="' + CSS.escape(id) + '"]');
  if (row) row.classList.toggle("linked", on);
}

async function copyText(text) {
  if (navigator.clipboard && window.isSecureContext) {
    try { await navigator.clipboard.writeText(text); return true; } catch (e) { /* fall back */ }
  }
  const area = document.createElement("textarea");
  area.value = text;
  area.setAttribute("readonly", "");
  area.style.position = "fixed";
  area.style.opacity = "0";
  document.body.appendChild(area);
  area.select();
  let ok = false;
  try { ok = document.execCommand("copy"); } catch (e) { ok = false; }
  area.remove();
  return ok;
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("mark.finding").forEach((mark) => {
    ["mouseenter", "focus"].forEach((ev) => mark.addEventListener(ev, () => linkIdentity(mark, true)));
    ["mouseleave", "blur"].forEach((ev) => mark.addEventListener(ev, () => linkIdentity(mark, false)));
    mark.addEventListener("keydown", (ev) => {
      if (ev.key === "Escape") mark.blur();
    });
  });

  const copy = document.getElementById("copy-sanitized");
  if (copy) {
    copy.addEventListener("click", async () => {
      const source = document.getElementById(copy.dataset.target || "sanitized");
      const status = document.getElementById("copy-status");
      const ok = await copyText(source ? source.textContent : "");
      if (status) status.textContent = ok ? "Copied" : "Copy failed: select the text and copy it";
    });
  }

  const toggle = document.getElementById("toggle-view");
  const result = document.getElementById("result");
  if (toggle && result) {
    toggle.addEventListener("click", () => {
      const only = result.classList.toggle("sanitized-only");
      toggle.setAttribute("aria-pressed", only ? "true" : "false");
      toggle.textContent = only ? "Show the draft and the sanitized text" : "Show the sanitized text only";
    });
  }

  const upload = document.getElementById("upload");
  const draft = document.getElementById("draft");
  if (upload && draft) {
    upload.addEventListener("change", () => {
      // The file wins over the text box on the server; say so instead of silently ignoring text.
      draft.required = false;
      draft.setAttribute("aria-description", upload.files.length ? "The uploaded file will be screened." : "");
    });
  }
});
