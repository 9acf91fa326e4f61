// Meridian's dashboard: polls this region's /dashboard.json once a second
// and draws it. Every figure comes from the region that served the page (its
// own links, and what the other regions report in their failover checks),
// so the page needs to reach that one region only. Data is written with
// textContent, never as HTML: keys and values in conflicts are user data.
"use strict";

const POLL_MS = 1000;
const SVG = "http://www.w3.org/2000/svg";
const LAG_SLOW_MS = 1000; // a link further behind than this is drawn as lagging
const LAG_SLOW_OPS = 1000;

const $ = (id) => document.getElementById(id);

function el(tag, attrs, text) {
  const e = tag.startsWith("svg:") ? document.createElementNS(SVG, tag.slice(4))
                                   : document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = String(text);
  return e;
}

function cell(text, cls) {
  return el("td", cls ? { class: cls } : {}, text);
}

function badge(text, cls) {
  const td = el("td");
  td.appendChild(el("span", { class: "badge " + cls }, text));
  return td;
}

function rate(v) {
  if (v === undefined || v === null) return "–";
  return v >= 100 ? Math.round(v).toLocaleString() : v.toFixed(1);
}

function ago(ms, now) {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 120) return s + " s ago";
  if (s < 7200) return Math.round(s / 60) + " min ago";
  return new Date(ms).toISOString().replace("T", " ").slice(0, 19) + " UTC";
}

// Equirectangular, as world.svg is drawn: x = longitude + 180, y = 90 - latitude.
function place(r) {
  return { x: r.longitude + 180, y: 90 - r.latitude };
}

// How the link between two regions looks from here: "ok", "slow", "down"
// or "unknown", and a tooltip saying why.
function linkState(a, b, self) {
  if (a.self || b.self) {
    const peer = a.self ? b : a;
    if (peer.link === "down" || peer.health === "unhealthy") {
      return { cls: "down", why: "link down" };
    }
    if (peer.link !== "up") return { cls: "unknown", why: "not linked yet" };
    const slow = peer.lag_ms > LAG_SLOW_MS || peer.lag_ops > LAG_SLOW_OPS;
    return { cls: slow ? "slow" : "ok",
             why: `lag ${peer.lag_ms} ms, ${peer.lag_ops} operations (from ${self.name})` };
  }
  // Two other regions: their applied vectors, from their last checks.
  const known = (r) => r.health === "healthy" || r.health === "degraded";
  if (!known(a) || !known(b) || !a.applied || !b.applied) {
    return { cls: "unknown", why: "not known from " + self.name };
  }
  const behind = (from, to) =>
    Math.max(0, (from.applied[from.id] || 0) - (to.applied[from.id] || 0));
  const ops = Math.max(behind(a, b), behind(b, a));
  return { cls: ops > LAG_SLOW_OPS ? "slow" : "ok",
           why: `${ops} operations behind (as last reported to ${self.name})` };
}

function drawMap(d) {
  const links = $("links");
  const regions = $("regions");
  links.replaceChildren();
  regions.replaceChildren();
  const self = d.regions.find((r) => r.self);
  for (let i = 0; i < d.regions.length; i++) {
    for (let j = i + 1; j < d.regions.length; j++) {
      const a = d.regions[i], b = d.regions[j];
      const s = linkState(a, b, self);
      const pa = place(a), pb = place(b);
      const line = el("svg:line", {
        class: "link " + s.cls, x1: pa.x, y1: pa.y, x2: pb.x, y2: pb.y,
        "data-link": a.name + "|" + b.name, "data-state": s.cls,
      });
      line.appendChild(el("svg:title", {}, `${a.name} ↔ ${b.name}: ${s.why}`));
      links.appendChild(line);
    }
  }
  for (const r of d.regions) {
    const p = place(r);
    const g = el("svg:g", { "data-region": r.name, "data-health": r.health });
    if (r.name === d.view.primary) {
      g.appendChild(el("svg:circle", { class: "primary-ring", cx: p.x, cy: p.y, r: 4.2 }));
    }
    const dot = el("svg:circle", { class: "region " + r.health, cx: p.x, cy: p.y, r: 2.8 });
    dot.appendChild(el("svg:title", {}, `${r.name}: ${r.health} (seen from ${self.name})`));
    g.appendChild(dot);
    const role = r.name === d.view.primary ? " · primary" : "";
    g.appendChild(el("svg:text", { class: "label", x: p.x + 5, y: p.y - 0.5 }, r.name + role));
    g.appendChild(el("svg:text", { class: "label sub", x: p.x + 5, y: p.y + 3.6 },
                     `${rate(r.writes_per_sec)} w/s · ${rate(r.reads_per_sec)} r/s`));
    regions.appendChild(g);
  }
}

function drawRegions(d) {
  const body = $("region-table").tBodies[0];
  body.replaceChildren();
  for (const r of d.regions) {
    const tr = el("tr", { "data-region": r.name, "data-health": r.health,
                          class: r.self ? "self" : "" });
    tr.appendChild(cell(r.name + (r.self ? " (this region)" : "")));
    tr.appendChild(badge(r.health, r.health));
    tr.appendChild(cell(r.name === d.view.primary ? "primary" : (r.tier || "active")));
    tr.appendChild(cell(r.epoch === undefined ? "–" : r.epoch, "num"));
    if (r.self) {
      tr.appendChild(cell("–"));
      tr.appendChild(cell("–"));
    } else {
      tr.appendChild(badge(r.link || "unknown", r.link || "unknown"));
      tr.appendChild(cell(r.lag_ms === undefined ? "–" : `${r.lag_ms} ms / ${r.lag_ops} ops`,
                          "num"));
    }
    tr.appendChild(cell(rate(r.writes_per_sec), "num"));
    tr.appendChild(cell(rate(r.reads_per_sec), "num"));
    // A check that went unanswered has no round trip: the last one is stale.
    const rtt = r.self || r.health !== "healthy" || r.rtt_ms === undefined || r.rtt_ms < 0;
    tr.appendChild(cell(rtt ? "–" : r.rtt_ms + " ms", "num"));
    body.appendChild(tr);
  }
}

function emptyRow(body, columns, text) {
  const tr = el("tr");
  const td = el("td", { colspan: columns, class: "empty" }, text);
  tr.appendChild(td);
  body.appendChild(tr);
}

function drawConflicts(d) {
  const body = $("conflict-table").tBodies[0];
  body.replaceChildren();
  const counts = Object.entries(d.conflict_counts || {}).map(([p, n]) => `${p} ${n}`);
  $("conflict-counts").textContent = counts.length ? "totals: " + counts.join(", ") : "";
  const list = (d.conflicts || []).slice().reverse();
  if (!list.length) return emptyRow(body, 6, "none seen by this region");
  for (const c of list) {
    const tr = el("tr");
    tr.appendChild(cell(c.id, "num"));
    tr.appendChild(cell(c.field ? `${c.key} [${c.field}]` : c.key));
    tr.appendChild(cell(c.policy));
    tr.appendChild(cell(c.winner.region));
    tr.appendChild(cell(c.discarded.region));
    tr.appendChild(cell(c.reason));
    body.appendChild(tr);
  }
}

function drawHistory(d) {
  const body = $("history-table").tBodies[0];
  body.replaceChildren();
  const list = (d.history || []).slice().reverse();
  if (!list.length) return emptyRow(body, 7, "no change of primary since the cluster began");
  for (const h of list) {
    const tr = el("tr", { "data-epoch": h.epoch });
    tr.appendChild(cell(h.epoch, "num"));
    tr.appendChild(cell(h.from));
    tr.appendChild(cell(h.to));
    tr.appendChild(cell(h.reason));
    tr.appendChild(cell(ago(h.end_ms, d.time_ms)));
    tr.appendChild(cell((h.end_ms - h.start_ms) + " ms", "num"));
    tr.appendChild(cell(h.unreplicated_text || h.unreplicated_writes, "num"));
    body.appendChild(tr);
  }
}

function draw(d) {
  document.title = `Meridian · ${d.region}`;
  $("cluster").textContent = "· cluster " + d.cluster;
  $("viewed-from").textContent = `viewed from ${d.region} (${d.view.pattern})`;
  const lease = d.view.holds_lease ? ", lease held" : "";
  $("view").textContent = `${d.region}'s view: primary ${d.view.primary}, epoch ${d.view.epoch}` +
                          (d.view.primary === d.region ? lease : "");
  const a = d.agreed;
  $("agreed").textContent = a.primary
      ? `cluster agrees: ${a.primary}, epoch ${a.epoch} (${a.regions} of ${a.of} regions)`
      : `no majority agrees on a primary (${a.of} regions)`;
  $("agreed").dataset.primary = a.primary || "";
  drawMap(d);
  drawRegions(d);
  drawConflicts(d);
  drawHistory(d);
}

async function poll() {
  const status = $("status");
  try {
    const res = await fetch("dashboard.json", { cache: "no-store" });
    if (!res.ok) throw new Error(`HTTP ${res.status}: ${(await res.text()).trim()}`);
    const d = await res.json();
    draw(d);
    status.className = "";
    status.textContent = "updated " + new Date().toLocaleTimeString();
    document.body.dataset.loaded = "1";
  } catch (e) {
    // The region that served the page is down or busy: say so, keep the
    // last picture, and keep trying.
    status.className = "error";
    status.textContent = "cannot reach this region: " + e.message;
  }
  setTimeout(poll, POLL_MS);
}

poll();
