// The copilot page: plain DOM, no framework. Everything from the server is inserted as text
// (textContent), never as HTML, so an answer cannot inject markup into the page.
"use strict";
const $ = (id) => document.getElementById(id);
const KEY = "coach-api-key";
const state = { deals: [], deal: null, thread: null, sources: {} };

function el(tag, text, cls) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  if (cls) node.className = cls;
  return node;
}

function showError(message) {
  $("error").textContent = message;
  $("error").hidden = !message;
}

// One message from the service's error body: what, where, how to fix.
function describe(body, status) {
  const e = body && body.error;
  if (!e) return `the server answered ${status}`;
  return [e.message, e.where && `(${e.where})`, e.fix].filter(Boolean).join(" ");
}

function headers(extra) {
  const key = sessionStorage.getItem(KEY);
  return Object.assign(key ? { Authorization: `Bearer ${key}` } : {}, extra || {});
}

async function api(path, options) {
  const opts = Object.assign({}, options || {});
  opts.headers = headers(opts.headers);
  const res = await fetch(path, opts);
  if (res.ok) return res;
  const body = await res.json().catch(() => null);
  if (res.status === 401) askForKey(describe(body, res.status));
  throw new Error(describe(body, res.status));
}

const getJson = async (path) => (await api(path)).json();
const postJson = async (path, data, accept) =>
  api(path, {
    method: "POST",
    body: JSON.stringify(data),
    headers: { "Content-Type": "application/json", Accept: accept || "application/json" },
  });

function askForKey(why) {
  $("key-form").hidden = false;
  showError(why);
  $("key").focus();
}

// --- a tiny markdown renderer: headings, list items, paragraphs, **bold**, `code`, [n] ---
const REF = /^(kb:[\w.-]+(#[\w.-]+)?|([\w-]+:)?[a-z_]+(\.\w+|\[\d+\])+|[a-z_]+)$/;

function inline(parent, text) {
  const parts = text.split(/(\*\*[^*]+\*\*|`[^`]+`|\[\d+\])/);
  for (const part of parts) {
    if (!part) continue;
    if (part.startsWith("**") && part.endsWith("**") && part.length > 4) {
      parent.append(el("strong", part.slice(2, -2)));
    } else if (part.startsWith("`") && part.endsWith("`")) {
      const code = part.slice(1, -1);
      parent.append(REF.test(code) && code.includes(".") || code.startsWith("kb:")
        ? citeButton(code, code) : el("code", code));
    } else if (/^\[\d+\]$/.test(part)) {
      parent.append(citeButton(part, null, part.slice(1, -1)));
    } else {
      parent.append(document.createTextNode(part));
    }
  }
}

function render(markdown, box) {
  box.replaceChildren();
  let list = null;
  for (const line of markdown.split("\n")) {
    const heading = line.match(/^(#{1,3})\s+(.*)$/);
    const item = line.match(/^\s*(?:[-*]|(\d+)\.)\s+(.*)$/);
    if (item) {
      const kind = item[1] ? "ol" : "ul";
      if (!list || list.tagName.toLowerCase() !== kind) box.append((list = el(kind)));
      const li = el("li");
      if (item[1]) li.value = Number(item[1]);
      const source = item[2].match(/^`([^`]+)`:/);
      if (item[1] && source) state.sources[item[1]] = source[1];
      inline(li, item[2]);
      list.append(li);
      continue;
    }
    list = null;
    if (heading) inline(box.appendChild(el(`h${heading[1].length}`)), heading[2]);
    else if (line.trim()) inline(box.appendChild(el("p")), line);
  }
}

function citeButton(label, ref, number) {
  const b = el("button", label, "cite");
  b.type = "button";
  b.title = ref || "open the source";
  b.addEventListener("click", () => openSource(ref || state.sources[number]));
  return b;
}

async function openSource(ref) {
  if (!ref) return showError("that citation has no source listed in this answer");
  try {
    let path;
    const other = ref.match(/^([\w-]+):(?!\/)(.+)$/);
    if (ref.startsWith("kb:")) path = `/v1/knowledge/passages/${encodeURIComponent(ref)}`;
    else if (other) path = `/v1/deals/${encodeURIComponent(other[1])}/source?ref=${encodeURIComponent(other[2])}`;
    else path = `/v1/deals/${encodeURIComponent(state.deal)}/source?ref=${encodeURIComponent(ref)}`;
    const src = await getJson(path);
    $("source-ref").textContent = src.ref;
    $("source-text").textContent = src.suspected
      ? `Reads like instructions to a model; shown as data only. ${src.text}` : src.text;
    $("source").hidden = false;
    showError("");
  } catch (err) {
    showError(err.message);
  }
}

// --- deals, snapshot and win probability ---
async function loadDeals() {
  try {
    state.deals = await getJson("/v1/deals");
  } catch (err) {
    return showError(err.message);
  }
  const select = $("deal");
  select.replaceChildren(el("option", "Choose a deal…"));
  select.firstChild.value = "";
  for (const d of state.deals) {
    const option = el("option", `${d.id} · ${d.account}`);
    option.value = d.id;
    select.append(option);
  }
  showError("");
}

function money(d) {
  return d.amount == null ? "amount not recorded" : `${d.currency || ""} ${Number(d.amount).toLocaleString("en")}`;
}

async function pickDeal(id) {
  state.deal = id || null;
  state.thread = id ? `web-${id}-${Date.now().toString(36)}` : null;
  $("messages").replaceChildren();
  $("cards").replaceChildren();
  const d = state.deals.find((x) => x.id === id);
  const snap = $("snapshot");
  snap.replaceChildren(el("h2", "Deal"));
  if (!d) return;
  snap.append(el("strong", d.name), el("p", `${d.account} · ${d.stage}`), el("p", money(d)),
    el("p", `expected close ${d.expected_close || "not recorded"} · owner ${d.owner || "?"}`));
  await loadProbability(id);
}

async function loadProbability(id) {
  const box = $("probability");
  box.replaceChildren(el("h2", "Win probability"), el("p", "estimating…", "muted"));
  try {
    const res = await (await postJson("/v1/next_best_action", { deal_id: id })).json();
    if (state.deal !== id) return;
    const p = res.result && res.result.win_probability;
    box.replaceChildren(el("h2", "Win probability"));
    if (!p) return box.append(el("p", "no estimate for this deal", "muted"));
    const pct = (x) => `${Math.round(x * 100)}%`;
    box.append(el("div", pct(p.value), "big"),
      el("p", `plausible ${pct(p.low)}–${pct(p.high)} · ${p.confidence} confidence · baseline ${pct(p.baseline)} (${p.baseline_source})`, "muted"));
    const list = el("ul");
    for (const f of p.factors) {
      const li = el("li");
      li.append(el("span", `${f.log_odds >= 0 ? "▲" : "▼"} ${f.label} `, f.log_odds >= 0 ? "up" : "down"));
      li.append(el("span", `(${f.log_odds >= 0 ? "+" : ""}${f.log_odds.toFixed(2)}) `, "muted"));
      for (const ref of f.citations) li.append(citeButton(ref, ref), " ");
      list.append(li);
    }
    box.append(list, el("p", p.explanation, "muted"));
  } catch (err) {
    box.append(el("p", err.message, "down"));
  }
}

// --- chat: one turn, streamed as Server-Sent Events ---
async function ask(question) {
  if (!state.deal) return showError("Pick a deal first");
  const messages = $("messages");
  messages.append(el("div", question, "msg you"));
  const box = el("div", null, "msg answer");
  const tools = el("div", "thinking…", "tool");
  const body = el("div");
  box.append(tools, body);
  messages.append(box);
  let text = "";
  try {
    const res = await postJson(`/v1/chat/${state.thread}`, { message: question, deal_id: state.deal }, "text/event-stream");
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const name = (block.match(/^event: (.*)$/m) || [])[1];
        const data = JSON.parse((block.match(/^data: (.*)$/m) || [, "{}"])[1]);
        if (name === "token") text += data.text;
        else if (name === "answer") text += (text ? "\n\n" : "") + data.text;
        else if (name === "tool") tools.textContent = `used: ${data.text}`;
        else if (name === "warning") box.append(el("p", data.text, "muted"));
        else if (name === "error") throw new Error(describe(data, "an error"));
        else if (name === "done") box.classList.add("done");
        if (name === "token" || name === "answer") render(text, body);
      }
    }
    if (tools.textContent === "thinking…") tools.textContent = "";
  } catch (err) {
    box.append(el("p", err.message, "down"));
  }
}

// --- live assist: replay a transcript over the WebSocket, one utterance at a time ---
async function replay() {
  if (!state.deal) return showError("Pick a deal first");
  const status = $("live-status");
  const cards = $("cards");
  cards.replaceChildren();
  let lines;
  try {
    const pasted = $("pasted").value.trim();
    lines = pasted
      ? await (await postJson("/v1/transcripts/parse", { text: pasted })).json()
      : await getJson(`/v1/deals/${encodeURIComponent(state.deal)}/transcript`);
  } catch (err) {
    return (status.textContent = err.message);
  }
  const key = sessionStorage.getItem(KEY);
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const query = `deal_id=${encodeURIComponent(state.deal)}${key ? `&api_key=${encodeURIComponent(key)}` : ""}`;
  const ws = new WebSocket(`${scheme}://${location.host}/v1/live/web-${Date.now().toString(36)}?${query}`);
  let next = 0;
  const send = () => {
    if (next >= lines.utterances.length) return ws.send(JSON.stringify({ type: "end" }));
    const u = lines.utterances[next++];
    cards.append(el("li", `${u.speaker}: ${u.text}`, "heard"));
    ws.send(JSON.stringify(u));
  };
  ws.onmessage = (event) => {
    const msg = JSON.parse(event.data);
    if (msg.type === "ready") status.textContent = `replaying ${lines.source}…`;
    else if (msg.type === "error") status.textContent = msg.message;
    else if (msg.type === "summary") status.textContent = `done: ${msg.utterances} utterances, ${msg.cards} cue cards`;
    if (msg.type === "cards") {
      for (const c of msg.cards) {
        const li = el("li", null, "card");
        li.append(el("strong", c.title), el("p", c.say));
        for (const ref of c.citations.filter((r) => !r.startsWith("transcript."))) li.append(citeButton(ref, ref), " ");
        cards.append(li);
      }
    }
    if (msg.type === "ready" || msg.type === "cards" || msg.type === "error") setTimeout(send, 0);
  };
  ws.onclose = (event) => {
    if (event.code === 1008) status.textContent = status.textContent || "the live session was refused";
  };
}

$("deal").addEventListener("change", (e) => pickDeal(e.target.value));
$("ask").addEventListener("submit", (e) => {
  e.preventDefault();
  const q = $("question").value.trim();
  if (q) ask(q);
  $("question").value = "";
});
$("replay").addEventListener("click", replay);
$("close-source").addEventListener("click", () => ($("source").hidden = true));
$("key-form").addEventListener("submit", (e) => {
  e.preventDefault();
  sessionStorage.setItem(KEY, $("key").value.trim());
  $("key-form").hidden = true;
  $("forget-key").hidden = false;
  loadDeals();
});
$("forget-key").addEventListener("click", () => {
  sessionStorage.removeItem(KEY);
  location.reload();
});
$("forget-key").hidden = !sessionStorage.getItem(KEY);
loadDeals();
