// specmock dashboard: reads the control plane's JSON (same origin). Everything shown is set as text,
// never as HTML: the journal holds whatever any client sent.
"use strict";

const $ = (sel) => document.querySelector(sel);

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (key === "dataset") Object.assign(node.dataset, value);
    else node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

async function api(method, path, body) {
  const init = { method, headers: {} };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = typeof body === "string" ? body : JSON.stringify(body);
  }
  const response = await fetch(path, init);
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) throw new Error((data && (data.detail || JSON.stringify(data))) || response.statusText);
  return data;
}

function say(message, bad) {
  const status = $("#status");
  status.textContent = message;
  status.style.color = bad ? "var(--bad)" : "";
}

const statusClass = (status) => "s" + String(status)[0];

// --- clock and header ----------------------------------------------------------------------
let mockNow = Date.now() / 1000;

async function refreshClock() {
  const clock = await api("GET", "/_mock/clock");
  mockNow = Date.parse(clock.now) / 1000;
  $("#clock").textContent = clock.now.replace("T", " ").replace(/\.\d+Z$/, "Z");
  $("#offset").textContent = clock.offset_seconds ? `(+${clock.offset_seconds.toFixed(1)} s)` : "";
}

$("#advance-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const seconds = Number($("#advance-seconds").value);
  try {
    await api("POST", "/_mock/clock/advance", { seconds });
    say(`clock advanced ${seconds} s`);
    await refreshAll();
  } catch (error) { say(error.message, true); }
});

$("#reset").addEventListener("click", async () => {
  if (!confirm("Put every world back to its seed, the clock to real time, and drop sessions?")) return;
  try {
    const done = await api("POST", "/_mock/reset");
    say(`reset (seed ${done.seed})`);
    await refreshAll();
  } catch (error) { say(error.message, true); }
});

$("#import").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  if (!file) return;
  try {
    const done = await api("PUT", "/_mock/state", await file.text());
    say(`imported ${done.imported.join(", ")}`);
    await refreshAll();
  } catch (error) { say(`import refused: ${error.message}`, true); }
  event.target.value = "";
});

// --- tabs ----------------------------------------------------------------------------------
let activeTab = "journal";
for (const button of document.querySelectorAll("nav button[data-tab]")) {
  button.addEventListener("click", () => {
    activeTab = button.dataset.tab;
    for (const other of document.querySelectorAll("nav button[data-tab]")) other.classList.toggle("active", other === button);
    for (const tab of document.querySelectorAll(".tab")) tab.classList.toggle("active", tab.id === `tab-${activeTab}`);
    refreshTab();
  });
}

// --- journal -------------------------------------------------------------------------------
let lastId = 0;
const entries = [];

function journalRow(entry) {
  const time = new Date(entry.time * 1000).toLocaleTimeString();
  const drift = (entry.findings || []).join("; ");  // what the proxy saw (--proxy)
  const why = entry.reason ? [entry.by_mock ? el("span", { class: "badge mock" }, "mock's own error") : null, entry.reason]
    : drift ? [el("span", { class: "badge" }, "drift"), drift] : (entry.served_by || "");
  return el("tr", { dataset: { id: entry.id }, onclick: () => showEntry(entry.id) },
    el("td", {}, time), el("td", {}, entry.method),
    el("td", { class: "path" }, entry.path + (entry.query ? "?" + entry.query : "")),
    el("td", { class: statusClass(entry.status) }, entry.status),
    el("td", {}, entry.latency_ms.toFixed(1)), el("td", {}, why));
}

function journalMatches(entry) {
  if ($("#journal-refusals").checked && !entry.reason) return false;
  const needle = $("#journal-filter").value.trim().toLowerCase();
  if (!needle) return true;
  return [entry.path, entry.operation || "", String(entry.status), entry.method].some((v) => v.toLowerCase().includes(needle));
}

function renderJournal() {
  const body = $("#journal tbody");
  body.replaceChildren(...entries.filter(journalMatches).slice(0, 500).map(journalRow));
}

async function pollJournal() {
  const data = await api("GET", `/_mock/journal?since=${lastId}&limit=500`);
  if (!data.entries.length) return;
  lastId = Math.max(lastId, ...data.entries.map((e) => e.id));
  entries.unshift(...data.entries);
  entries.length = Math.min(entries.length, 1000);
  renderJournal();
}

async function showEntry(id) {
  for (const row of document.querySelectorAll("#journal tbody tr")) row.classList.toggle("selected", row.dataset.id === String(id));
  const aside = $("#entry");
  aside.hidden = false;
  try {
    const entry = await api("GET", `/_mock/journal/${id}`);
    const headers = Object.entries(entry.headers).map(([k, v]) => `${k}: ${v}`).join("\n");
    aside.replaceChildren(...[
      el("h2", {}, `${entry.method} ${entry.path}`),
      el("p", {}, el("strong", { class: statusClass(entry.status) }, entry.status), ` in ${entry.latency_ms} ms`,
        entry.operation ? ` · ${entry.operation}` : " · no operation", entry.session ? ` · session ${entry.session}` : ""),
      entry.reason ? el("p", {}, el("strong", {}, "why: "), entry.reason) : null,
      entry.served_by ? el("p", {}, el("strong", {}, "served by: "), entry.served_by) : null,
      (entry.findings || []).length ? [el("h2", {}, "drift"), el("pre", {}, entry.findings.join("\n"))] : null,
      el("h2", {}, "request headers (credentials redacted)"), el("pre", {}, headers),
      entry.bodies
        ? [el("h2", {}, "request body"), el("pre", {}, entry.bodies.request || "(empty)"),
           el("h2", {}, "response body"), el("pre", { id: "response-body" }, entry.bodies.response || "(empty)")]
        : el("p", { class: "muted" }, "bodies are kept for the newest 100 requests only"),
    ].flat().filter(Boolean));
  } catch (error) { aside.replaceChildren(el("p", {}, error.message)); }
}

$("#journal-filter").addEventListener("input", renderJournal);
$("#journal-refusals").addEventListener("change", renderJournal);
$("#journal-clear").addEventListener("click", async () => {
  await api("DELETE", "/_mock/journal");
  entries.length = 0;
  renderJournal();
  $("#entry").hidden = true;
});

// --- world ---------------------------------------------------------------------------------
const migrationFilter = { status: "", type: "", text: "" };

function countdown(readyAt) {
  const left = readyAt - mockNow;
  return left > 0 ? `ready in ${left.toFixed(1)} s (mock clock)` : "";
}

function table(head, rows) {
  return el("table", {}, el("thead", {}, el("tr", {}, head.map((h) => el("th", {}, h)))), el("tbody", {}, rows));
}

function mixpeekWorld(name, world) {
  const byId = Object.fromEntries(world.namespaces.map((ns) => [ns.namespace_id, ns]));
  const counts = {};
  for (const col of world.collections) counts[col._namespace_id] = (counts[col._namespace_id] || 0) + 1;
  const nsRows = world.namespaces.map((ns) => {
    const clone = ns._clone;
    const ready = !clone || mockNow >= clone.ready_at;
    return el("tr", { dataset: { namespace: ns.namespace_name } },
      el("td", {}, ns.namespace_name), el("td", { class: "path" }, ns.namespace_id), el("td", {}, counts[ns.namespace_id] || 0),
      el("td", {}, el("span", { class: ready ? "status-ready" : "status-cloning" }, ready ? "ready" : "cloning"),
        clone && !ready ? " " + countdown(clone.ready_at) : "", clone ? ` · clone of ${(byId[clone.source_namespace_id] || {}).namespace_name || clone.source_namespace_id}` : ""),
      el("td", {}, el("button", { class: "clone", onclick: () => cloneNamespace(ns.namespace_name) }, "Clone")));
  });
  const statuses = [...new Set(world.migrations.map((m) => m.status))].sort();
  const types = [...new Set(world.migrations.map((m) => (m.config || {}).migration_type).filter(Boolean))].sort();
  const shown = world.migrations.filter((m) =>
    (!migrationFilter.status || m.status === migrationFilter.status) &&
    (!migrationFilter.type || (m.config || {}).migration_type === migrationFilter.type) &&
    (!migrationFilter.text || JSON.stringify(m).toLowerCase().includes(migrationFilter.text.toLowerCase())));
  const select = (key, values) => el("select", { onchange: (e) => { migrationFilter[key] = e.target.value; refreshWorld(); } },
    el("option", { value: "" }, `${key}: any`), values.map((v) => {
      const option = el("option", { value: v }, v);
      if (migrationFilter[key] === v) option.selected = true;
      return option;
    }));
  const text = el("input", { placeholder: "text", value: migrationFilter.text, onchange: (e) => { migrationFilter.text = e.target.value; refreshWorld(); } });
  return [
    el("h2", {}, `${name}: namespaces (${world.namespaces.length}) and clones (${world.clones.length})`),
    table(["namespace", "id", "collections", "status", ""], nsRows),
    el("h2", {}, `${name}: migrations (${shown.length} of ${world.migrations.length})`),
    el("div", { class: "toolbar" }, select("status", statuses), select("type", types), text),
    table(["id", "status", "type", "source namespace", "created"], shown.slice(0, 200).map((m) => el("tr", {},
      el("td", { class: "path" }, m.migration_id), el("td", {}, m.status), el("td", {}, (m.config || {}).migration_type || ""),
      el("td", {}, (byId[m.namespace_id] || {}).namespace_name || m.namespace_id || ""), el("td", {}, m.created_at || "")))),
  ];
}

function hostingWorld(name, world) {
  const perCustomer = {};
  for (const m of world.migrations) {
    const row = (perCustomer[m.owner] = perCustomer[m.owner] || {});
    row[m.status] = (row[m.status] || 0) + 1;
  }
  return [
    el("h2", {}, `${name}: customers (${world.customers.length})`),
    table(["customer", "migrations by status"], world.customers.map((c) => el("tr", {}, el("td", {}, c),
      el("td", {}, Object.entries(perCustomer[c] || {}).map(([s, n]) => el("span", { class: "badge" }, `${s} ${n}`)))))),
  ];
}

async function cloneNamespace(source) {
  const name = prompt(`Clone ${source} as:`, `${source}_copy`);
  if (!name) return;
  try {
    const response = await fetch(`/v1/namespaces/${encodeURIComponent(source)}/clone`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: "Bearer sk_dashboard" },
      body: JSON.stringify({ namespace_name: name }),
    });
    const data = await response.json();
    if (!response.ok) throw new Error((data.error && data.error.message) || response.statusText);
    say(`cloning ${source} as ${name}: ${data.status}`);
    await refreshAll();
  } catch (error) { say(`clone refused: ${error.message}`, true); }
}

async function refreshWorld() {
  const state = await api("GET", "/_mock/state");
  const parts = [];
  for (const [name, world] of Object.entries(state.apis)) {
    if (world.api === "mixpeek") parts.push(...mixpeekWorld(name, world));
    else if (world.api === "hosting") parts.push(...hostingWorld(name, world));
    else parts.push(el("h2", {}, name), el("pre", {}, JSON.stringify(world, null, 2).slice(0, 5000)));
  }
  if (!parts.length) parts.push(el("p", { class: "muted" }, "No stateful API is served: every operation answers from its spec."));
  $("#world").replaceChildren(...parts);
}

// --- coverage ------------------------------------------------------------------------------
async function refreshCoverage() {
  const coverage = await api("GET", "/_mock/coverage");
  const { documented, served } = coverage.summary;
  $("#coverage-summary").textContent = `${served} of ${documented} documented statuses served`;
  $("#coverage tbody").replaceChildren(...coverage.operations.map((op) => el("tr", {},
    el("td", {}, op.api), el("td", { class: "path" }, op.operation),
    el("td", {}, op.documented.map((s) => op.served[s]
      ? el("span", { class: "badge served" }, `${s} ×${op.served[s]}`)
      : el("span", { class: "badge never" }, `${s} never`))))));
}

// --- sessions ------------------------------------------------------------------------------
async function refreshSessions() {
  const sessions = await api("GET", "/_mock/sessions");
  $("#sessions tbody").replaceChildren(...Object.entries(sessions).map(([name, prefs]) => el("tr", {},
    el("td", {}, name), el("td", {}, el("code", {}, JSON.stringify(prefs))),
    el("td", {}, el("button", { onclick: async () => { await api("DELETE", `/_mock/sessions/${encodeURIComponent(name)}`); refreshSessions(); } }, "Drop")))));
}

for (const button of document.querySelectorAll("#presets button")) {
  button.addEventListener("click", async () => {
    try {
      if (button.dataset.preset) await api("PUT", "/_mock/sessions/default", button.dataset.preset);
      else await api("DELETE", "/_mock/sessions/default");
      say(`default session: ${button.textContent}`);
      refreshSessions();
    } catch (error) { say(error.message, true); }
  });
}

$("#session-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const prefs = {};
  for (const key of ["code", "example", "dynamic", "delay"]) {
    const value = form.get(key);
    if (value !== "" && value !== null) prefs[key] = key === "example" ? value : JSON.parse(value);
  }
  try {
    await api("PUT", `/_mock/sessions/${encodeURIComponent(form.get("name"))}`, prefs);
    refreshSessions();
  } catch (error) { say(error.message, true); }
});

// --- reports -------------------------------------------------------------------------------
async function refreshReports() {
  const data = await api("GET", "/_mock/reports");
  $("#reports-dir").textContent = data.directory ? `reports under ${data.directory}` : "start mockserver with --reports DIR to list contract reports here";
  $("#reports tbody").replaceChildren(...data.reports.map((r) => el("tr", {},
    el("td", {}, el("a", { href: `/_mock/reports/${encodeURIComponent(r.name)}`, target: "_blank", rel: "noopener" }, r.name)),
    el("td", {}, `${(r.bytes / 1024).toFixed(1)} KiB`), el("td", {}, new Date(r.modified * 1000).toLocaleString()))));
}

// --- refresh loop --------------------------------------------------------------------------
const refreshers = { world: refreshWorld, coverage: refreshCoverage, sessions: refreshSessions, reports: refreshReports };

async function refreshTab() {
  try {
    await refreshClock();
    if (activeTab === "journal") { if ($("#journal-live").checked) await pollJournal(); }
    else await refreshers[activeTab]();
  } catch (error) { say(error.message, true); }
}

async function refreshAll() {
  await refreshClock();
  await pollJournal();
  if (activeTab !== "journal") await refreshers[activeTab]();
}

async function start() {
  const health = await api("GET", "/_mock/health");
  $("#specs").textContent = `serving ${health.specs.join(", ")}`;
  await refreshTab();
  setInterval(refreshTab, 1000);
}

start().catch((error) => say(error.message, true));
