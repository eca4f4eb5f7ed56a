// The admin page of Derailed Gateway (docs/operations.md, "The admin page"). Served by the gateway itself, no build
// step: it polls /admin/api/cluster every POLL_MS, draws the nodes, the top guilds and small SVG charts, and sends
// the operator's actions to the same API. The token, when the listener wants one, stays in this tab's sessionStorage.
"use strict";

const POLL_MS = 2000;
const SVG = "http://www.w3.org/2000/svg";
const TOKEN_KEY = "derailed-admin-token";
let closeCodes = [];
let polling = null;

// --- the API -------------------------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function api(path, body) {
  const headers = {};
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token) headers["Authorization"] = "Bearer " + token;
  const init = {headers, cache: "no-store"};
  if (body !== undefined) {
    init.method = "POST";
    headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await fetch("/admin/api/" + path, init);
  if (response.status === 401) {
    document.getElementById("token-panel").hidden = false;
    throw new ApiError(401, "the operator listener needs its token");
  }
  const text = await response.text();
  let json = null;
  try { json = JSON.parse(text); } catch (notJson) { /* answered below */ }
  if (!response.ok) throw new ApiError(response.status, json && json.message ? json.message : response.status + ": " + text);
  return json;
}

// --- small helpers -------------------------------------------------------------------------------------------------

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function svg(tag, attrs) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs || {})) node.setAttribute(name, value);
  return node;
}

function bytes(n) {
  if (n === null || n === undefined) return "–";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? n : n.toFixed(n < 10 ? 1 : 0)) + " " + units[i];
}

function duration(seconds) {
  const d = Math.floor(seconds / 86400), h = Math.floor(seconds % 86400 / 3600), m = Math.floor(seconds % 3600 / 60);
  if (d > 0) return d + "d " + h + "h";
  if (h > 0) return h + "h " + m + "m";
  if (m > 0) return m + "m " + (seconds % 60) + "s";
  return seconds + "s";
}

function count(n) {
  return n === null || n === undefined ? "–" : Number(n).toLocaleString("en-US");
}

function rate(n) {
  if (n >= 100) return Math.round(n).toLocaleString("en-US");
  if (n >= 10) return n.toFixed(1);
  return n.toFixed(2);
}

function log(text, kind) {
  const list = document.getElementById("log");
  list.prepend(el("li", {class: kind || ""}, el("time", {}, new Date().toLocaleTimeString()), " ", text));
  while (list.children.length > 50) list.lastChild.remove();
}

async function act(what, path, body) {
  try {
    const answer = await api(path, body);
    log(what + ": " + describeAction(answer), "ok");
    return answer;
  } catch (failure) {
    log(what + " failed: " + failure.message, "error");
    return null;
  }
}

function describeAction(answer) {
  if (!answer || !answer.nodes) return JSON.stringify(answer);
  const parts = answer.nodes.map(n => n.node + " " + n.outcome + " (" + n.sessions + " sessions)");
  if (answer.unanswered_nodes.length) parts.push("no answer from " + answer.unanswered_nodes.join(", "));
  return parts.length ? parts.join("; ") : "no session";
}

// --- the cluster ---------------------------------------------------------------------------------------------------

async function refresh() {
  const badge = document.getElementById("connection");
  try {
    const view = await api("cluster");
    badge.textContent = "live";
    badge.className = "badge ok";
    document.getElementById("self").textContent = "served by " + view.self;
    document.getElementById("updated").textContent = "updated " + new Date(view.at).toLocaleTimeString();
    drawNodes(view);
    drawGuilds(view.top_guilds);
    drawCharts(view);
    redrawLookup(false);
  } catch (failure) {
    badge.textContent = failure.status === 401 ? "token needed" : "no answer: " + failure.message;
    badge.className = "badge error";
  }
}

function drawNodes(view) {
  const body = document.querySelector("#nodes tbody");
  body.replaceChildren();
  let up = 0;
  for (const node of view.nodes) {
    const r = node.report;
    if (node.status === "Up" && node.reachable) up++;
    const status = el("span", {class: "badge " + (node.reachable ? (node.status === "Up" ? "ok" : "warn") : "error")},
        node.reachable ? node.status : node.status + ", unreachable");
    const leaving = r && r.leaving ? el("span", {class: "leaving", title: r.leaving.phase},
        r.leaving.step + " (" + (r.leaving.since_start_ms / 1000).toFixed(1) + " s)") : "";
    const actions = el("span", {class: "actions"},
        el("button", {class: "op7", title: "send op 7 to this node's clients: they reconnect and resume",
          onclick: () => reconnect(node.node)}, "op 7"),
        el("button", {class: "drain danger", title: "graceful leave: its sessions and entities move to the other nodes",
          onclick: () => drain(node.node)}, "drain"));
    body.append(el("tr", {"data-node": node.node, class: node.node === view.self ? "self" : ""},
        el("td", {}, node.node, node.node === view.self ? el("span", {class: "muted"}, " (this page)") : ""),
        el("td", {class: "roles"}, node.roles.join(", ")),
        el("td", {}, status, node.problem ? el("div", {class: "muted"}, node.problem) : ""),
        el("td", {class: "num"}, r ? duration(r.uptime_seconds) : "–"),
        el("td", {class: "num sessions"}, r ? count(r.sessions) : "–"),
        el("td", {class: "num"}, r ? count(r.sockets) : "–"),
        el("td", {class: "num"}, r ? count(r.guilds) : "–"),
        el("td", {class: "num"}, r ? count(r.users) : "–"),
        el("td", {class: "num"}, r ? r.relay_lanes : "–"),
        el("td", {class: "num"}, r ? bytes(r.client_bytes) + " / " + bytes(r.client_bytes_limit) : "–"),
        el("td", {class: "num"}, r ? bytes(r.heap_used_bytes) + " / " + bytes(r.heap_max_bytes) : "–"),
        el("td", {}, leaving),
        el("td", {}, actions)));
  }
  document.getElementById("node-count").textContent = up + " of " + view.nodes.length + " up";
}

function drawGuilds(guilds) {
  const body = document.querySelector("#guilds tbody");
  body.replaceChildren();
  if (!guilds.length) body.append(el("tr", {}, el("td", {colspan: 5, class: "muted"}, "no guild running")));
  for (const g of guilds) {
    body.append(el("tr", {},
        el("td", {}, el("button", {class: "link", title: "publish to this guild",
          onclick: () => { setValue("publish-target", "guild"); setValue("publish-id", g.id); }}, g.id)),
        el("td", {}, g.name), el("td", {class: "num"}, count(g.online)),
        el("td", {class: "num"}, count(g.members)), el("td", {}, g.node)));
  }
}

// --- charts: one small SVG line chart per figure, per second, over the samples kept --------------------------------

function drawCharts(view) {
  const seconds = view.sample_interval_ms / 1000;
  const samples = view.samples;
  const span = samples.length * seconds;
  document.getElementById("window").textContent = samples.length
      ? "(" + (span < 120 ? span + " s" : Math.round(span / 60) + " min") + ", a point every " + seconds
        + " s, all nodes added up)" : "(the first samples come in shortly)";
  const per = f => samples.map(s => ({at: s.at, value: f(s) / seconds}));
  const codes = [...new Set(samples.flatMap(s => Object.keys(s.closes)))].sort();
  const charts = document.getElementById("charts");
  charts.replaceChildren(
      chart("events published / s", [{name: "published", points: per(s => s.published)}]),
      chart("dispatches delivered / s", [{name: "delivered", points: per(s => s.delivered)}]),
      chart("op 9 (invalid session) / s", [{name: "op 9", points: per(s => s.invalid_sessions)}]),
      chart("socket closes / s, by code", codes.length ? codes.map(code => ({name: code,
        points: per(s => s.closes[code] || 0)})) : [{name: "closes", points: per(() => 0)}]));
}

function chart(title, series) {
  const width = 320, height = 90, pad = 4;
  const all = series.flatMap(s => s.points);
  const max = Math.max(1e-9, ...all.map(p => p.value));
  const times = all.map(p => p.at);
  const t0 = Math.min(...times), t1 = Math.max(...times);
  const x = at => t1 === t0 ? width - pad : pad + (at - t0) / (t1 - t0) * (width - 2 * pad);
  const y = v => height - pad - v / max * (height - 2 * pad);
  const picture = svg("svg", {viewBox: "0 0 " + width + " " + height, class: "chart", role: "img",
    "aria-label": title, preserveAspectRatio: "none"});
  picture.append(svg("line", {x1: 0, x2: width, y1: height - pad, y2: height - pad, class: "axis"}));
  series.forEach((s, i) => {
    if (!s.points.length) return;
    const path = s.points.map((p, j) => (j === 0 ? "M" : "L") + x(p.at).toFixed(1) + " " + y(p.value).toFixed(1));
    picture.append(svg("path", {d: path.join(" "), class: "series s" + (i % 6)}));
  });
  const legend = series.map((s, i) => {
    const last = s.points.length ? s.points[s.points.length - 1].value : 0;
    return el("span", {class: "legend s" + (i % 6)}, s.name + " " + rate(last));
  });
  return el("figure", {class: "card"}, el("figcaption", {}, title, el("span", {class: "muted"},
      " peak " + rate(all.length ? max : 0))), picture, el("div", {class: "legends"}, legend));
}

// --- lookups -------------------------------------------------------------------------------------------------------

// The lookup shown stays live: each poll asks again and redraws its heading and table (never the form under them,
// which the operator may be filling in).
let lookup = null;

async function findUser(id) {
  lookup = {kind: "user", id};
  await redrawLookup(true);
}

async function findSession(id) {
  lookup = {kind: "session", id};
  await redrawLookup(true);
}

async function redrawLookup(fresh) {
  if (lookup === null) return;
  const shown = lookup;
  const out = document.getElementById("lookup");
  try {
    if (shown.kind === "user") {
      const user = await api("user?id=" + encodeURIComponent(shown.id));
      if (shown !== lookup) return;
      const parts = [
        el("h3", {}, "user " + user.id, user.username ? " (" + user.username + ")" : " (not in the database)",
            ": " + user.session_count + " session" + (user.session_count === 1 ? "" : "s")),
        sessionTable(user.sessions),
        user.unanswered_nodes.length || user.unanswered_sessions ? el("p", {class: "muted"},
            "not described in time: " + user.unanswered_sessions + " sessions"
            + (user.unanswered_nodes.length ? ", nodes " + user.unanswered_nodes.join(", ") : "")) : ""];
      if (fresh || !document.getElementById("lookup-result")) {
        out.replaceChildren(el("div", {id: "lookup-result"}, parts), disconnectForm(user));
      } else {
        document.getElementById("lookup-result").replaceChildren(...parts.filter(p => p !== ""));
      }
    } else {
      const session = await api("session?id=" + encodeURIComponent(shown.id));
      if (shown !== lookup) return;
      out.replaceChildren(el("h3", {}, "session " + session.session_id), sessionTable([session]),
          el("button", {onclick: () => { setValue("user-id", session.user_id); findUser(session.user_id); }},
              "show user " + session.user_id + ", to disconnect it"));
    }
  } catch (failure) {
    if (shown === lookup && (fresh || failure.status !== undefined)) {
      out.replaceChildren(el("p", {class: "error"}, failure.message));
    }
  }
}

function sessionTable(sessions) {
  if (!sessions.length) return el("p", {class: "muted"}, "no session");
  return el("table", {class: "sessions"},
      el("thead", {}, el("tr", {}, ["session_id", "node", "phase", "presence", "shard", "intents", "seq", "guilds"]
          .map(h => el("th", {}, h)))),
      el("tbody", {}, sessions.map(s => el("tr", {"data-session": s.session_id},
          el("td", {class: "mono"}, s.session_id), el("td", {}, s.node),
          el("td", {}, el("span", {class: "badge " + (s.connected ? "ok" : "warn")}, s.connected ? "connected" : s.phase)),
          el("td", {}, s.status), el("td", {}, s.shard), el("td", {class: "num"}, s.intents),
          el("td", {class: "num"}, count(s.seq)),
          el("td", {class: "num", title: s.guilds.join(", ")}, count(s.guild_count))))));
}

function disconnectForm(user) {
  const select = el("select", {id: "disconnect-code"}, closeCodes.map(c => el("option",
      {value: c.code, selected: c.code === 4000}, c.code + " " + c.meaning
          + (c.resumable ? " (resumable)" : c.reconnects ? " (identify anew)" : " (client stops)"))));
  const reason = el("input", {id: "disconnect-reason", placeholder: "reason the client sees (optional)",
    maxlength: 123, autocomplete: "off"});
  const go = el("button", {id: "disconnect-go", class: "danger", type: "submit",
    title: "closes every socket of this user, on every node, with the chosen code"}, "Disconnect the user's sessions");
  return el("form", {class: "row", onsubmit: async event => {
    event.preventDefault();
    const body = {user_id: user.id, code: Number(select.value)};
    if (reason.value) body.reason = reason.value;
    await act("disconnect user " + user.id + " with " + select.value, "disconnect", body);
    redrawLookup(false);
  }}, select, reason, go);
}

// --- actions on nodes ----------------------------------------------------------------------------------------------

function reconnect(node) {
  if (confirm("Send op 7 to every client of " + node + "? They reconnect and resume.")) {
    act("op 7 to " + node, "reconnect", {node});
  }
}

function drain(node) {
  if (confirm("Drain " + node + "? It leaves the cluster: clients resume elsewhere, entities move, the process exits.")) {
    act("drain " + node, "drain", {node}).then(refresh);
  }
}

async function publish(event) {
  event.preventDefault();
  let data;
  try {
    data = JSON.parse(document.getElementById("publish-data").value);
  } catch (notJson) {
    log("publish: data is not JSON: " + notJson.message, "error");
    return;
  }
  const target = document.getElementById("publish-target").value;
  const id = document.getElementById("publish-id").value.trim();
  const name = document.getElementById("publish-event").value.trim();
  try {
    await api("publish", {target, id, event: name, data});
    log("published " + name + " to " + target + " " + id, "ok");
  } catch (failure) {
    log("publish failed: " + failure.message, "error");
  }
}

function setValue(id, value) {
  document.getElementById(id).value = value;
}

// --- start ---------------------------------------------------------------------------------------------------------

async function start() {
  try {
    closeCodes = await api("close-codes");
  } catch (failure) {
    log("cannot read the close codes: " + failure.message, "error");
  }
  await refresh();
  if (polling === null) polling = setInterval(refresh, POLL_MS);
}

document.addEventListener("DOMContentLoaded", () => {
  document.getElementById("token-form").addEventListener("submit", event => {
    event.preventDefault();
    sessionStorage.setItem(TOKEN_KEY, document.getElementById("token").value);
    document.getElementById("token-panel").hidden = true;
    start();
  });
  document.getElementById("user-form").addEventListener("submit", event => {
    event.preventDefault();
    findUser(document.getElementById("user-id").value.trim());
  });
  document.getElementById("session-form").addEventListener("submit", event => {
    event.preventDefault();
    findSession(document.getElementById("session-id").value.trim());
  });
  document.getElementById("publish-form").addEventListener("submit", publish);
  start();
});
