// sourceguard editor page: screening as you type, linked highlighting, keyboard navigation
// between findings, copy, the view switch. The page works without it (plain form posts).
"use strict";

const LIVE_DELAY_MS = 900;
const LIVE_PREFERENCE = "sourceguard-live-screening";
const STATES = {
  idle: "not screened yet",
  edited: "edited — not screened yet",
  screening: "screening…",
  "up-to-date": "up to date",
  failed: "failed — not sanitized",
};

const $ = (id) => document.getElementById(id);
const escapeId = (id) => (window.CSS && CSS.escape ? CSS.escape(id) : id);

// -- linked mentions ---------------------------------------------------------------------------
function linkIdentity(mark, on) {
  const id = mark.dataset.identity;
  if (!id) return;
  document.querySelectorAll('mark.finding[data-identity="' + escapeId(id) + '"]').forEach((m) => {
    m.classList.toggle("linked", on);
  });
  const row = document.querySelector('#identities .person[data-identity="' + escapeId(id) + '"]');
  if (row) row.classList.toggle("linked", on);
}

function eventMark(ev) {
  const t = ev.target;
  return t && t.closest ? t.closest("#draft-view mark.finding") : null;
}

// -- keyboard navigation between findings ------------------------------------------------------
function allMarks() {
  return Array.from(document.querySelectorAll("#draft-view mark.finding"));
}

function currentIndex(marks) {
  const active = marks.indexOf(document.activeElement);
  if (active >= 0) return active;
  return marks.findIndex((m) => m.classList.contains("current"));
}

function moveTo(index) {
  const marks = allMarks();
  if (!marks.length) return;
  const i = (index + marks.length) % marks.length;
  marks.forEach((m) => m.classList.remove("current"));
  marks[i].classList.add("current");
  marks[i].focus();
  const position = $("finding-position");
  if (position) position.textContent = "finding " + (i + 1) + " of " + marks.length;
}

function personRow(identity) {
  return document.querySelector('#identities .person[data-identity="' + escapeId(identity) + '"]');
}

function onMarkKey(ev, mark) {
  const marks = allMarks();
  const i = marks.indexOf(mark);
  const moves = { ArrowDown: i + 1, ArrowRight: i + 1, ArrowUp: i - 1, ArrowLeft: i - 1,
                  Home: 0, End: marks.length - 1 };
  if (ev.key in moves) {
    ev.preventDefault();
    moveTo(moves[ev.key]);
  } else if (ev.key === "Enter") {
    const row = personRow(mark.dataset.identity || "");
    const box = row && row.querySelector("details.correct-box");
    if (box) {
      ev.preventDefault();
      box.open = true;
      const control = box.querySelector("select");
      if (control) control.focus();
    }
  } else if (ev.key === "Escape") {
    mark.blur();
  }
}

function showMentions(button) {
  const id = button.dataset.identity;
  const marks = allMarks();
  const mine = marks.filter((m) => m.dataset.identity === id);
  if (!mine.length) return;
  const next = (Number(button.dataset.next || 0)) % mine.length;
  button.dataset.next = String(next + 1);
  showView("findings");
  moveTo(marks.indexOf(mine[next]));
}

// -- the view switch, copy and download ----------------------------------------------------------
let currentView = "findings";

function showView(which) {
  currentView = which;
  const result = $("result");
  if (!result) return;
  result.classList.add("js");
  const views = { findings: $("findings-view"), sanitized: $("sanitized-view") };
  const buttons = { findings: $("show-findings"), sanitized: $("show-sanitized") };
  Object.keys(views).forEach((k) => {
    if (views[k]) views[k].hidden = k !== which;
    if (buttons[k]) buttons[k].setAttribute("aria-pressed", k === which ? "true" : "false");
  });
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

function isStale() {
  const result = $("result");
  return !!(result && result.classList.contains("stale"));
}

async function onCopy(button) {
  const status = $("copy-status");
  if (isStale()) {
    if (status) status.textContent = "Not copied: the sanitized text is out of date. Screen the draft first.";
    return;
  }
  const source = $(button.dataset.target || "sanitized");
  const ok = await copyText(source ? source.textContent : "");
  if (status) status.textContent = ok ? "Copied" : "Copy failed: select the text and copy it";
}

// -- screening as you type -------------------------------------------------------------------
const live = {
  timer: null,
  inFlight: false,
  again: false,
  screened: null, // the draft text the panes show, or null
};

function setState(state, text) {
  const el = $("screen-state");
  if (!el) return;
  el.dataset.state = state;
  el.textContent = text || STATES[state];
}

function showErrors(messages) {
  const box = $("errors");
  if (!box) return;
  box.textContent = "";
  messages.forEach((m) => {
    const p = document.createElement("p");
    p.className = "error";
    p.textContent = m;
    box.appendChild(p);
  });
  box.hidden = messages.length === 0;
}

function markStale(stale) {
  const result = $("result");
  if (!result) return;
  result.classList.toggle("stale", stale);
  const note = $("stale-note");
  if (note) note.hidden = !stale;
  const link = $("download-sanitized");
  if (link) {
    if (stale && link.hasAttribute("href")) {
      link.dataset.href = link.getAttribute("href");
      link.removeAttribute("href");
    } else if (!stale && link.dataset.href) {
      link.setAttribute("href", link.dataset.href);
    }
    link.setAttribute("aria-disabled", stale ? "true" : "false");
  }
  const copy = $("copy-sanitized");
  if (copy) copy.setAttribute("aria-disabled", stale ? "true" : "false");
}

function draftChanged() {
  const draft = $("draft");
  const changed = live.screened === null || draft.value !== live.screened;
  markStale(changed);
  return changed;
}

function schedule() {
  const toggle = $("live");
  if (toggle && !toggle.checked) return;
  clearTimeout(live.timer);
  live.timer = setTimeout(screenNow, LIVE_DELAY_MS);
}

function rowsByAnchor() {
  const out = new Map();
  document.querySelectorAll("#identities .person").forEach((row) => {
    const label = row.querySelector(".role-label");
    const decision = row.querySelector(".decision");
    out.set(row.dataset.anchor, {
      id: row.dataset.identity,
      kind: label ? label.textContent.trim() : "",
      decision: decision ? decision.textContent.trim() : "",
    });
  });
  return out;
}

function describeChanges(before, after) {
  const notes = [];
  after.forEach((row, anchor) => {
    const old = before.get(anchor);
    if (!old) notes.push("new: " + row.id + " (" + row.kind + ")");
    else if (old.kind !== row.kind) notes.push(row.id + ": " + old.kind + " → " + row.kind);
    else if (old.decision !== row.decision) notes.push(row.id + ": " + row.decision);
  });
  before.forEach((row, anchor) => {
    if (!after.has(anchor)) notes.push("no longer found: " + row.id + " (" + row.kind + ")");
  });
  after.forEach((row, anchor) => {
    const old = before.get(anchor);
    if (!old || old.kind !== row.kind || old.decision !== row.decision) {
      const el = document.querySelector('#identities .person[data-anchor="' + escapeId(anchor) + '"]');
      if (el) el.classList.add("changed");
    }
  });
  return notes;
}

function controlValues(container) {
  const values = new Map();
  if (!container) return values;
  container.querySelectorAll("input[name], select[name]").forEach((el) => {
    values.set(el.name, el.type === "checkbox" ? el.checked : el.value);
  });
  return values;
}

function restoreControls(container, values) {
  container.querySelectorAll("input[name], select[name]").forEach((el) => {
    if (!values.has(el.name) || el.type === "hidden") return;
    if (el.type === "checkbox") el.checked = values.get(el.name);
    else el.value = values.get(el.name);
  });
}

function swapPanes(html, text) {
  const pane = $("findings-pane");
  const before = rowsByAnchor();
  const summaryBefore = ($("summary") || {}).textContent || "";
  const values = controlValues(pane);
  const focused = document.activeElement && pane.contains(document.activeElement)
    ? document.activeElement.id : null;
  $("draft-result").innerHTML = html["draft-result"];
  pane.innerHTML = html["findings-pane"];
  restoreControls(pane, values); // what the editor typed since the request left wins
  if (focused && $(focused)) $(focused).focus();
  showView(currentView);
  live.screened = text;
  const notes = describeChanges(before, rowsByAnchor());
  const summaryAfter = ($("summary") || {}).textContent || "";
  if (!notes.length && summaryBefore && summaryBefore !== summaryAfter) notes.push(summaryAfter);
  const changes = $("changes");
  if (changes) {
    changes.textContent = before.size || summaryBefore
      ? (notes.length ? "Changed: " + notes.join("; ") : "No change in the findings.")
      : "";
  }
}

async function screenNow() {
  const form = $("screen-form");
  const draft = $("draft");
  if (!form || !draft) return;
  if (live.inFlight) { live.again = true; return; }
  const text = draft.value;
  if (!text.trim()) { setState("idle"); return; }
  if (tooLong(form, text)) {
    setState("failed");
    showErrors([TOO_LONG(form)]);
    return;
  }
  const data = new FormData(form);
  data.delete("file");
  live.inFlight = true;
  setState("screening");
  let body = null;
  try {
    const response = await fetch(form.dataset.liveUrl, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { Accept: "application/json" },
    });
    body = await response.json().catch(() => null);
  } catch (e) {
    body = null;
  }
  live.inFlight = false;
  if (draft.value !== text) {
    // The editor kept typing: this answer is about an older text. Screen the new one.
    setState("edited");
    schedule();
    return;
  }
  if (body && body.html) {
    swapPanes(body.html, text);
    markStale(false);
    setState("up-to-date");
    showErrors(body.message ? [body.message] : []);
  } else {
    markStale(true);
    setState("failed");
    const changes = $("changes");
    if (changes) changes.textContent = "";
    showErrors([(body && body.message) ||
      "Screening did not work this time: nothing was sanitized. Your draft is still in the " +
      "box; screening is tried again when you type (or press Screen)."]);
  }
  if (live.again) { live.again = false; schedule(); }
}

function tooLong(form, text) {
  const chars = Number(form.dataset.maxChars || 0);
  const bytes = Number(form.dataset.maxBytes || 0);
  // The form also carries the token and the choices: leave them 64 KiB of the body limit.
  return (chars && text.length > chars) ||
         (bytes && new Blob([text]).size > Math.max(0, bytes - 65536));
}

const TOO_LONG = (form) => "The draft is too long to screen at once (the limit is " +
  Number(form.dataset.maxChars || 0).toLocaleString("en") + " characters). Screen it in " +
  "parts. Your draft is still in the box.";

// -- wiring --------------------------------------------------------------------------------------
document.addEventListener("DOMContentLoaded", () => {
  const draft = $("draft");
  const form = $("screen-form");
  if ($("result") && draft) live.screened = draft.value;
  showView("findings");

  const liveField = $("live-field");
  if (liveField) liveField.hidden = false;

  ["mouseover", "focusin"].forEach((type) => document.addEventListener(type, (ev) => {
    const mark = eventMark(ev);
    if (mark) linkIdentity(mark, true);
  }));
  ["mouseout", "focusout"].forEach((type) => document.addEventListener(type, (ev) => {
    const mark = eventMark(ev);
    if (mark) linkIdentity(mark, false);
  }));
  document.addEventListener("keydown", (ev) => {
    const mark = eventMark(ev);
    if (mark && ev.target === mark) onMarkKey(ev, mark);
  });
  document.addEventListener("click", (ev) => {
    const target = ev.target.closest ? ev.target.closest("button, a") : null;
    if (!target) return;
    if (target.id === "next-finding") moveTo(currentIndex(allMarks()) + 1);
    else if (target.id === "prev-finding") {
      const i = currentIndex(allMarks());
      moveTo(i < 0 ? -1 : i - 1);
    } else if (target.id === "show-findings") showView("findings");
    else if (target.id === "show-sanitized") showView("sanitized");
    else if (target.id === "copy-sanitized") onCopy(target);
    else if (target.classList.contains("show-mentions")) showMentions(target);
    else if (target.id === "download-sanitized" && isStale()) ev.preventDefault();
  });

  if (draft) {
    draft.addEventListener("input", () => {
      if (draftChanged()) {
        setState("edited");
        schedule();
      }
    });
  }
  // A changed correction re-screens too (the reason field once it is left, not per keystroke).
  document.addEventListener("change", (ev) => {
    const t = ev.target;
    if (t && t.closest && t.closest("#findings-pane") && t.name) {
      setState("edited");
      markStale(true);
      schedule();
    }
  });
  const toggle = $("live");
  if (toggle) {
    // The editor's preference (not the draft: nothing of the text is kept in the browser).
    try { toggle.checked = localStorage.getItem(LIVE_PREFERENCE) !== "off"; } catch (e) { /* private */ }
    toggle.addEventListener("change", () => {
      try { localStorage.setItem(LIVE_PREFERENCE, toggle.checked ? "on" : "off"); } catch (e) { /* */ }
      if (toggle.checked && draftChanged()) schedule();
    });
  }

  if (form) {
    form.addEventListener("submit", (ev) => {
      const upload = $("upload");
      const uploading = upload && upload.files && upload.files.length;
      if (draft && !uploading && tooLong(form, draft.value)) {
        ev.preventDefault(); // the server could not even read it: say so here, keep the draft
        setState("failed");
        showErrors([TOO_LONG(form)]);
      }
    });
  }
  const upload = $("upload");
  if (upload && draft) {
    upload.addEventListener("change", () => {
      // The file wins over the text box on the server; say so instead of silently ignoring text.
      draft.setAttribute("aria-description", upload.files.length ? "The uploaded file will be screened." : "");
    });
  }
});
