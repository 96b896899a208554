// The inspector page: polls the admin API and draws what it answers.
// Everything that comes from data is put in the page as text (textContent,
// attribute values, SVG <title>), never parsed as markup.
(function () {
  "use strict";

  var ADMIN = "/__mock";
  var TOKEN_KEY = "mockserver.adminToken";
  var TOKEN_HEADER = "X-Mock-Admin-Token";
  var POLL_MS = 400; // a change shows within a poll and a fetch: well under a second
  var HIDDEN_POLL_MS = 3000; // a tab nobody looks at asks rarely
  var JOURNAL_LIMIT = 200;
  var SVG_NS = "http://www.w3.org/2000/svg";

  // ------------------------------------------------------------ DOM helpers
  function el(tag, props) {
    var node = document.createElement(tag);
    setProps(node, props);
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }

  function svg(tag, attrs) {
    var node = document.createElementNS(SVG_NS, tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs.text;
      else if (attrs[name] !== null && attrs[name] !== undefined) safeAttribute(node, name, attrs[name]);
    });
    for (var i = 2; i < arguments.length; i++) append(node, arguments[i]);
    return node;
  }

  function setProps(node, props) {
    Object.keys(props || {}).forEach(function (name) {
      var value = props[name];
      if (value === null || value === undefined) return;
      if (name === "text") node.textContent = value;
      else if (name === "className") node.className = value;
      else if (name === "dataset") Object.keys(value).forEach(function (k) { node.dataset[k] = value[k]; });
      else if (name === "onclick") node.addEventListener("click", value);
      else safeAttribute(node, name, value);
    });
  }

  function safeAttribute(node, name, value) {
    // attribute names are ours, never data; an event-handler name would be a bug
    if (/^on/i.test(name)) throw new Error("no event-handler attributes: " + name);
    node.setAttribute(name, String(value));
  }

  function append(node, child) {
    if (child === null || child === undefined || child === false) return;
    if (Array.isArray(child)) { child.forEach(function (c) { append(node, c); }); return; }
    node.appendChild(typeof child === "object" ? child : document.createTextNode(String(child)));
  }

  function replaceChildren(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
    for (var i = 1; i < arguments.length; i++) append(node, arguments[i]);
  }

  function $(id) { return document.getElementById(id); }

  // ------------------------------------------------------------ formatting
  function ms(iso) { return Date.parse(iso); }

  function clockText(iso) {
    // the mock's instants are UTC ISO-8601: show them as such, without the browser's zone
    if (!iso) return "–";
    var m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(\.\d+)?Z$/.exec(iso);
    return m ? m[1] + " " + m[2] : iso;
  }

  function timeOfDay(iso) { return clockText(iso).slice(11); }

  function mask(secret) {
    if (typeof secret !== "string" || secret.length === 0) return "–";
    if (secret.length <= 8) return "…";
    return secret.slice(0, 4) + "…" + secret.slice(-4);
  }

  function duration(seconds) {
    var s = Math.round(seconds);
    if (s < 60) return s + "s";
    var parts = [], d = Math.floor(s / 86400), h = Math.floor(s % 86400 / 3600);
    var m = Math.floor(s % 3600 / 60), r = s % 60;
    if (d) parts.push(d + "d");
    if (h) parts.push(h + "h");
    if (m) parts.push(m + "m");
    if (r && !d) parts.push(r + "s");
    return parts.join("");
  }

  function pretty(value) {
    if (value === null || value === undefined) return "(no JSON body)";
    return JSON.stringify(value, null, 2);
  }

  // ------------------------------------------------------------ the admin API
  function token() { return sessionStorage.getItem(TOKEN_KEY); }

  function tokenFromFragment() {
    // /__mock/ui#token=T: a link that carries the token without sending it to the server
    var match = /(?:^#|&)token=([^&]*)/.exec(location.hash);
    if (!match) return;
    sessionStorage.setItem(TOKEN_KEY, decodeURIComponent(match[1]));
    history.replaceState(null, "", location.pathname + location.search);
  }

  function Problem(status, body) {
    this.status = status;
    var error = body && body.error;
    this.message = error && error.message ? error.message : "HTTP " + status;
    this.details = error && Array.isArray(error.details) ? error.details : [];
  }
  Problem.prototype.text = function () {
    var extra = this.details.map(function (d) {
      if (d && typeof d === "object" && d.message) return (d.path ? d.path + ": " : "") + d.message;
      return typeof d === "string" ? d : JSON.stringify(d);
    });
    return this.message + (extra.length ? " (" + extra.join("; ") + ")" : "");
  };

  function call(method, path, body) {
    var headers = { Accept: "application/json" };
    var secret = token();
    if (secret) headers[TOKEN_HEADER] = secret;
    var init = { method: method, headers: headers, cache: "no-store", credentials: "same-origin" };
    // every POST carries a JSON body: a type no other site may send without asking first
    if (body !== undefined) {
      headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    return fetch(ADMIN + path, init).then(function (response) {
      return response.json().catch(function () { return null; }).then(function (data) {
        if (response.status === 401) {
          askForToken(secret ? "That token was refused." : "");
          throw new Problem(401, data);
        }
        if (!response.ok) throw new Problem(response.status, data);
        return data;
      });
    });
  }

  function askForToken(problem) {
    $("token-form").hidden = false;
    $("token-problem").textContent = problem;
    setConnection("needs the admin token", "bad");
  }

  function setConnection(text, kind) {
    var node = $("connection");
    node.textContent = text;
    node.className = "connection " + (kind || "");
  }

  function say(text, kind) {
    var node = $("message");
    node.textContent = text;
    node.className = "message " + (kind || "");
  }

  // ------------------------------------------------------------ polling
  var last = {}; // section -> the JSON text last drawn: unchanged data is not redrawn
  var view = { now: null, state: null, deliveries: null, updates: [] };
  var polling = null;
  var pollAgain = false;
  var timer = null;

  function changed(key, data) {
    var text = JSON.stringify(data);
    if (last[key] === text) return false;
    last[key] = text;
    return true;
  }

  function journalQuery() {
    var params = new URLSearchParams();
    var api = $("filter-api").value, operation = $("filter-operation").value;
    var status = $("filter-status").value.trim();
    if (api) params.set("api", api);
    if (operation) params.set("operation", operation);
    if (status) params.set("status", status);
    params.set("limit", String(JOURNAL_LIMIT));
    return "/requests?" + params.toString();
  }

  function poll() {
    if (polling) { pollAgain = true; return polling; }
    var journalPath = journalQuery();
    polling = Promise.all([
      call("GET", "/clock"),
      call("GET", "/state"),
      call("GET", "/dellin/deliveries"),
      call("GET", "/faults"),
      // a client's own state changes: successful webhooks.update calls
      call("GET", "/requests?operation=dellin.webhooks.update&status=2xx"),
      call("GET", journalPath).then(
        function (journal) { return { journal: journal }; },
        function (problem) { if (problem instanceof Problem && problem.status === 400) return { problem: problem }; throw problem; }
      ),
    ]).then(function (answers) {
      $("token-form").hidden = true;
      setConnection("live · every " + POLL_MS + " ms", "ok");
      draw(answers[0], answers[1], answers[2], answers[3], answers[4], answers[5], journalPath);
    }, function (problem) {
      if (problem instanceof Problem && problem.status === 401) return;
      setConnection(problem instanceof Problem ? "admin API: " + problem.text() : "mock unreachable", "bad");
    }).then(function () {
      polling = null;
      document.body.dataset.polls = String(Number(document.body.dataset.polls || 0) + 1);
      if (pollAgain) { pollAgain = false; poll(); }
    });
    return polling;
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(function () { poll().then(schedule); }, document.hidden ? HIDDEN_POLL_MS : POLL_MS);
  }

  function draw(clock, state, deliveries, faults, updates, journalAnswer, journalPath) {
    var clockChanged = changed("clock", clock);
    if (clockChanged) drawClock(clock);
    if (changed("navixy", state.navixy)) drawNavixy(state.navixy.users || []);
    var dellinChanged = changed("dellin", state.dellin);
    var deliveriesChanged = changed("deliveries", deliveries);
    var updatesChanged = changed("updates", updates.requests);
    view.now = clock.now;
    view.state = state;
    view.deliveries = deliveries;
    view.updates = updates.requests;
    if (dellinChanged || deliveriesChanged || updatesChanged || (clockChanged && hasTimelines())) drawDellin();
    if (changed("faults", faults)) drawFaults(faults.faults || []);
    if (journalAnswer.problem) {
      $("filter-problem").textContent = journalAnswer.problem.text();
      last.journal = null;
    } else {
      $("filter-problem").textContent = "";
      if (changed("journal", { path: journalPath, data: journalAnswer.journal })) drawJournal(journalAnswer.journal.requests);
    }
  }

  function hasTimelines() { return document.querySelector("svg.timeline") !== null; }

  // ------------------------------------------------------------ clock
  function drawClock(clock) {
    $("clock-now").textContent = clockText(clock.now);
    $("clock-now").dataset.now = clock.now;
    $("clock-mode").textContent = clock.mode;
  }

  function advance(by) {
    return act(call("POST", "/clock/advance", { by: by }), function (answer) {
      var n = answer.deliveries.length;
      return "advanced " + duration(answer.advanced_seconds) + " to " + clockText(answer.now) + ": " +
        (n === 0 ? "no delivery ran" : n === 1 ? "1 delivery ran" : n + " deliveries ran");
    });
  }

  // run an action, say what came of it, and redraw at once
  function act(promise, describe) {
    return promise.then(function (answer) {
      say(describe(answer), "ok");
    }, function (problem) {
      say(problem instanceof Problem ? problem.text() : "the mock did not answer", "bad");
    }).then(poll);
  }

  // ------------------------------------------------------------ Navixy
  function userKinds(user) {
    var kinds = [];
    if (user.master !== false) kinds.push(["master", "kind"]);
    else kinds.push([(user.rights || []).length ? "sub-user with rights: " + user.rights.join(", ") : "sub-user without rights", "kind"]);
    if (user.demo) kinds.push(["demo", "kind warn"]);
    if ((user.tariff_features || ["delivery"]).indexOf("delivery") < 0) kinds.push(["tariff without delivery", "kind warn"]);
    return kinds;
  }

  function drawNavixy(users) {
    var rows = users.map(function (user) {
      return el("tr", { dataset: { hash: mask(user.hash) } },
        el("td", null, el("code", { text: mask(user.hash), title: "hash (masked)" })),
        el("td", null, userKinds(user).map(function (k) { return el("span", { className: "badge " + k[1], text: k[0] }); })),
        el("td", null, user.delivery_session ? el("code", { text: mask(user.delivery_session) }) : el("span", { className: "muted", text: "none" })));
    });
    if (!rows.length) rows = [el("tr", null, el("td", { colspan: 3, className: "muted", text: "no Navixy users" }))];
    replaceChildren($("navixy-rows"), rows);
  }

  // ------------------------------------------------------------ Dellin
  var openDetails = {}; // subscription id -> its attempts table is open

  function drawDellin() {
    var dellin = view.state.dellin || {};
    var users = dellin.users || [];
    var log = view.deliveries.deliveries || [];
    var pending = view.deliveries.pending || [];
    var orders = {}, eventTypes = {};
    var blocks = users.map(function (user) {
      (user.orders || []).forEach(function (o) { orders[o.number] = true; });
      var subs = user.subscriptions || [];
      return el("div", { className: "dellin-user" },
        el("h3", null, el("span", { className: "muted", text: "user " }), user.login),
        subs.length ? subs.map(function (sub) {
          (sub.orders || []).forEach(function (n) { orders[n] = true; });
          (sub.eventTypes || []).forEach(function (t) { eventTypes[t] = true; });
          return subscriptionCard(sub, log, pending);
        }) : el("p", { className: "muted", text: "no subscriptions" }));
    });
    log.forEach(function (entry) { eventTypes[entry.event_type] = true; });
    if (!blocks.length) blocks = [el("p", { className: "muted", text: "no Dellin users" })];
    replaceChildren($("dellin-users"), blocks);
    fillDatalist("known-orders", Object.keys(orders).slice(0, 200));
    fillDatalist("known-event-types", Object.keys(eventTypes));
  }

  function fillDatalist(id, values) {
    replaceChildren($(id), values.map(function (v) { return el("option", { value: v }); }));
  }

  function subscriptionCard(sub, log, pending) {
    var attempts = log.filter(function (e) { return e.subscription_id === sub.id; });
    var waiting = pending.filter(function (p) { return p.subscription_id === sub.id; });
    var facts = el("dl", { className: "facts" },
      el("div", null, el("dt", { text: "event types" }), el("dd", { text: sub.eventTypes ? sub.eventTypes.join(", ") : "every type" })),
      el("div", null, el("dt", { text: "roles" }), el("dd", { text: (sub.orderRoles || []).join(", ") })),
      el("div", null, el("dt", { text: "orders" }), el("dd", { className: "orders", text: String((sub.orders || []).length) })),
      el("div", null, el("dt", { text: "failures in a row" }), el("dd", { className: "failures", text: String(sub.failures || 0) })));
    var details = el("details", { className: "attempts" },
      el("summary", { text: "delivery log: " + attempts.length + " entr" + (attempts.length === 1 ? "y" : "ies") +
        (waiting.length ? ", " + waiting.length + " retry pending" : "") }),
      attemptsTable(attempts, waiting));
    if (openDetails[sub.id]) details.open = true;
    details.addEventListener("toggle", function () { openDetails[sub.id] = details.open; });
    return el("article", { className: "subscription", dataset: { subscription: String(sub.id), state: sub.state } },
      el("header", null,
        el("span", { className: "sub-id", text: "#" + sub.id }),
        el("span", { className: "badge state state-" + sub.state, text: sub.state }),
        el("code", { className: "url", text: sub.url })),
      facts,
      timeline(sub, attempts, waiting),
      details);
  }

  function attemptsTable(attempts, waiting) {
    var rows = attempts.map(function (a) {
      return el("tr", { className: a.outcome },
        el("td", { text: clockText(a.time) }),
        el("td", { text: String(a.attempt) }),
        el("td", { text: a.order_number }),
        el("td", { text: a.event_type }),
        el("td", { text: a.outcome }),
        el("td", { text: outcomeText(a) }),
        el("td", { text: a.next_retry_at ? clockText(a.next_retry_at) : "" }),
        el("td", { text: a.subscription_state || "" }));
    }).concat(waiting.map(function (p) {
      return el("tr", { className: "pending" },
        el("td", { text: clockText(p.due) }), el("td", { text: String(p.attempt) }),
        el("td", { text: p.order_number }), el("td", { text: p.event_type }),
        el("td", { text: "pending" }), el("td", { text: "due" }), el("td"), el("td"));
    }));
    return el("table", { className: "log" },
      el("thead", null, el("tr", null, ["time", "#", "order", "event", "outcome", "status / error", "next retry", "state after"].map(function (h) { return el("th", { text: h }); }))),
      el("tbody", null, rows));
  }

  function outcomeText(a) {
    var parts = [];
    if (a.status !== null && a.status !== undefined) parts.push("HTTP " + a.status);
    if (a.error && !(a.error === "http_status" && a.status)) parts.push(a.error.replace(/_/g, " "));
    if (a.fault) parts.push("fault rule #" + a.fault);
    return parts.join(" · ") || (a.outcome === "delivered" ? "delivered" : "");
  }

  // ------------------------------------------------------------ the delivery timeline
  // The moments a subscription's state changed: from the delivery log (the
  // state after each attempt) and from the client's own webhooks.update calls.
  function stateChanges(sub, attempts) {
    var moments = [];
    attempts.forEach(function (a, i) {
      if (a.subscription_state) moments.push({ time: a.time, state: a.subscription_state, by: "delivery", order: i });
    });
    (view.updates || []).forEach(function (call, i) {
      var body = call.request && call.request.json;
      if (!body || typeof body !== "object" || body.state === undefined || String(body.id) !== String(sub.id)) return;
      moments.push({ time: call.time, state: String(body.state), by: "update call", order: attempts.length + i });
    });
    moments.sort(function (a, b) { return ms(a.time) - ms(b.time) || a.order - b.order; });
    var changes = [], current = null;
    moments.forEach(function (m) {
      if (m.state === current) return;
      // the first state seen: a change only if it is not the starting state
      if (current !== null || m.state !== "enabled") changes.push(m);
      current = m.state;
    });
    return changes;
  }

  function timeline(sub, attempts, waiting) {
    var changes = stateChanges(sub, attempts);
    var points = attempts.map(function (a) { return { time: a.time, entry: a }; });
    if (!points.length && !waiting.length && !changes.length) {
      return el("p", { className: "timeline-empty muted", text: "no deliveries yet: trigger an order event it covers" });
    }
    var instants = points.map(function (p) { return ms(p.time); })
      .concat(waiting.map(function (p) { return ms(p.due); }))
      .concat(changes.map(function (c) { return ms(c.time); }));
    var t0 = Math.min.apply(null, instants);
    var now = ms(view.now);
    var t1 = Math.max.apply(null, instants.concat([now]));
    var span = Math.max(t1 - t0, 1000);

    // lanes: one per notification, in the order of its first attempt
    var lanes = [], byId = {};
    attempts.forEach(function (a) {
      if (!byId[a.notification_id]) { byId[a.notification_id] = { id: a.notification_id, label: a.event_type + " · " + a.order_number, items: [] }; lanes.push(byId[a.notification_id]); }
      byId[a.notification_id].items.push({ time: a.time, attempt: a.attempt, outcome: a.outcome, entry: a });
    });
    waiting.forEach(function (p) {
      if (!byId[p.notification_id]) { byId[p.notification_id] = { id: p.notification_id, label: p.event_type + " · " + p.order_number, items: [] }; lanes.push(byId[p.notification_id]); }
      byId[p.notification_id].items.push({ time: p.due, attempt: p.attempt, outcome: "pending", entry: p });
    });
    var shown = lanes.slice(-8); // the latest notifications; the log below has them all

    var W = 760, LEFT = 170, RIGHT = 24, TOP = 34, STRIP = 12, LANE = 28, AXIS = 40;
    var H = TOP + STRIP + 10 + shown.length * LANE + AXIS;
    var plotW = W - LEFT - RIGHT;
    var unit = 60000; // compressed scale: log(1 + minutes since the first point)
    function x(t) { return LEFT + plotW * Math.log1p((t - t0) / unit) / Math.log1p(span / unit); }

    var root = svg("svg", { "class": "timeline", viewBox: "0 0 " + W + " " + H, width: "100%", role: "img",
      "aria-label": "Delivery timeline of subscription " + sub.id, "data-subscription": String(sub.id) });

    // the state strip: enabled / error / disabled over time
    var stripY = TOP;
    // before the first change, the subscription was enabled (only the mock sets error)
    var segments = [];
    if (!changes.length || ms(changes[0].time) > t0) segments.push({ time: t0, state: "enabled" });
    changes.forEach(function (c) { segments.push({ time: ms(c.time), state: c.state }); });
    segments.forEach(function (s, i) {
      var start = s.time;
      var end = i + 1 < segments.length ? segments[i + 1].time : t1;
      root.appendChild(svg("rect", { "class": "strip strip-" + s.state, x: x(start), y: stripY,
        width: Math.max(x(end) - x(start), 1.5), height: STRIP }, svg("title", { text: s.state })));
    });
    root.appendChild(svg("text", { "class": "lane-label", x: LEFT - 8, y: stripY + STRIP - 2, "text-anchor": "end", text: "state" }));

    // the moments the state changed: a rule down the lanes and a label above
    var lastLabelX = -Infinity, row = 0;
    changes.forEach(function (c) {
      var cx = x(ms(c.time));
      row = cx - lastLabelX < 64 ? (row + 1) % 2 : 0;
      lastLabelX = cx;
      root.appendChild(svg("line", { "class": "change change-" + c.state, x1: cx, x2: cx, y1: stripY - 4, y2: H - AXIS }));
      root.appendChild(svg("text", {
        "class": "change-label change-" + c.state, x: cx, y: 12 + row * 11, "text-anchor": "middle",
        "data-kind": "state-change", "data-state": c.state, "data-time": c.time,
        text: c.state,
      }, svg("title", { text: "became " + c.state + " at " + clockText(c.time) + " (" + c.by + ")" })));
    });

    // lanes of attempts
    shown.forEach(function (lane, i) {
      var y = TOP + STRIP + 10 + i * LANE + LANE / 2;
      root.appendChild(svg("line", { "class": "lane", x1: LEFT, x2: W - RIGHT, y1: y, y2: y }));
      root.appendChild(svg("text", { "class": "lane-label", x: LEFT - 8, y: y + 4, "text-anchor": "end",
        text: lane.label.length > 26 ? lane.label.slice(0, 25) + "…" : lane.label }, svg("title", { text: lane.label })));
      lane.items.forEach(function (item, j) {
        var next = lane.items[j + 1];
        if (!next) return;
        var a = x(ms(item.time)), b = x(ms(next.time));
        root.appendChild(svg("line", { "class": "hop" + (next.outcome === "pending" ? " waiting" : ""), x1: a, x2: b, y1: y, y2: y }));
        if (b - a > 34) {
          root.appendChild(svg("text", { "class": "gap", x: (a + b) / 2, y: y - 6, "text-anchor": "middle",
            text: "+" + duration((ms(next.time) - ms(item.time)) / 1000) }));
        }
      });
      lane.items.forEach(function (item) {
        var cx = x(ms(item.time));
        var title = item.outcome === "pending"
          ? "attempt " + item.attempt + " pending, due " + clockText(item.time)
          : "attempt " + item.attempt + " at " + clockText(item.time) + " · " + item.outcome +
            (outcomeText(item.entry) ? " · " + outcomeText(item.entry) : "") +
            (item.entry.next_retry_at ? " · next retry " + clockText(item.entry.next_retry_at) : "");
        root.appendChild(svg("g", { "class": "point " + item.outcome, "data-kind": "attempt", "data-outcome": item.outcome,
          "data-attempt": String(item.attempt), "data-time": item.time, "data-status": item.entry.status === undefined || item.entry.status === null ? "" : String(item.entry.status) },
          svg("title", { text: title }),
          svg("circle", { cx: cx, cy: y, r: 7.5 }),
          svg("text", { x: cx, y: y + 3.5, "text-anchor": "middle", text: String(item.attempt) })));
      });
    });

    // the time axis, ticks at round offsets from the first point, and now
    var axisY = H - AXIS + 4;
    root.appendChild(svg("line", { "class": "axis", x1: LEFT, x2: W - RIGHT, y1: axisY, y2: axisY }));
    var offsets = [0, 60, 300, 1200, 3600, 10800, 21600, 43200, 86400, 172800, 604800, 2592000, 31536000];
    var lastTick = -Infinity;
    var longSpan = span >= 86400000;
    offsets.forEach(function (seconds) {
      var t = t0 + seconds * 1000;
      if (t > t1) return;
      var tx = x(t);
      if (tx - lastTick < 46) return;
      lastTick = tx;
      var iso = new Date(t).toISOString();
      root.appendChild(svg("line", { "class": "tick", x1: tx, x2: tx, y1: axisY, y2: axisY + 4 }));
      root.appendChild(svg("text", { "class": "tick-label", x: tx, y: axisY + 15, "text-anchor": "middle",
        text: longSpan ? clockText(iso).slice(5, 16) : timeOfDay(iso).slice(0, 5) }, svg("title", { text: clockText(iso) + " (+" + duration(seconds) + ")" })));
    });
    var nx = x(now);
    root.appendChild(svg("line", { "class": "now", x1: nx, x2: nx, y1: stripY - 2, y2: axisY + 20 }));
    root.appendChild(svg("text", { "class": "now-label", x: nx, y: axisY + 30, "text-anchor": nx > W - RIGHT - 40 ? "end" : "middle",
      text: "now " + timeOfDay(view.now) }));
    return el("div", { className: "timeline-box" }, root,
      lanes.length > shown.length ? el("p", { className: "muted", text: "showing the latest " + shown.length + " of " + lanes.length + " notifications" }) : null);
  }

  // ------------------------------------------------------------ journal
  var openRows = {}; // journal id -> expanded

  function apiErrorCode(entry) {
    var body = entry.response && entry.response.json;
    if (!body || typeof body !== "object") return "";
    if (entry.api === "navixy" && body.success === false && body.status && body.status.code !== undefined) return String(body.status.code);
    if (entry.api === "dellin" && Array.isArray(body.errors)) {
      return body.errors.map(function (e) { return e && e.code !== undefined ? String(e.code) : "?"; }).join(", ");
    }
    return "";
  }

  function faultText(faults) {
    return (faults || []).map(function (f) {
      var extra = Object.keys(f).filter(function (k) { return k !== "id" && k !== "action"; })
        .map(function (k) { return k + " " + JSON.stringify(f[k]); });
      return "#" + f.id + " " + (f.action || "") + (extra.length ? " (" + extra.join(", ") + ")" : "");
    }).join("; ");
  }

  function drawJournal(entries) {
    var rows = [];
    entries.slice().reverse().forEach(function (entry) {
      var status = entry.response ? entry.response.status : "";
      var query = entry.query && Object.keys(entry.query).length ? "?" + new URLSearchParams(entry.query).toString() : "";
      var row = el("tr", { className: "call status-" + String(status).charAt(0) + "xx", tabindex: 0,
        dataset: { id: String(entry.id), operation: entry.operation || "", api: entry.api, status: String(status) } },
        el("td", { text: clockText(entry.time) }),
        el("td", { text: entry.api }),
        el("td", { text: entry.operation || "(no route)" }),
        el("td", null, el("code", { text: entry.method + " " + entry.path + query })),
        el("td", { className: "status", text: String(status) }),
        el("td", { className: "code", text: apiErrorCode(entry) }),
        el("td", { className: "fault", text: faultText(entry.faults) }));
      var toggle = function () { openRows[entry.id] = !openRows[entry.id]; drawJournal(entries); };
      row.addEventListener("click", toggle);
      row.addEventListener("keydown", function (e) { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); toggle(); } });
      rows.push(row);
      if (openRows[entry.id]) {
        rows.push(el("tr", { className: "bodies", dataset: { id: String(entry.id) } }, el("td", { colspan: 7 },
          el("div", { className: "body-pair" },
            el("div", null, el("h4", { text: "request" + (entry.request.content_type ? " · " + entry.request.content_type : "") }),
              el("pre", { className: "request-body", text: pretty(entry.request.json) })),
            el("div", null, el("h4", { text: "response · " + status }),
              el("pre", { className: "response-body", text: pretty(entry.response.json) }))))));
      }
    });
    if (!rows.length) rows = [el("tr", null, el("td", { colspan: 7, className: "muted", text: "no calls match" }))];
    replaceChildren($("journal-rows"), rows);
    $("journal-count").textContent = entries.length + (entries.length === JOURNAL_LIMIT ? "+ calls (the latest " + JOURNAL_LIMIT + ")" : " call" + (entries.length === 1 ? "" : "s"));
  }

  function loadOperations() {
    // the journaled operations, from the mock's own OpenAPI document
    return call("GET", "/openapi.json").then(function (doc) {
      var names = {};
      Object.keys(doc.paths || {}).forEach(function (path) {
        var item = doc.paths[path];
        Object.keys(item).forEach(function (method) {
          var op = item[method];
          if (!op || !op.operationId || !op.tags || op.tags[0] === "admin") return;
          var id = op.operationId, suffix = "." + method;
          names[id.slice(-suffix.length) === suffix && id.split(".").length > 3 ? id.slice(0, -suffix.length) : id] = true;
        });
      });
      var select = $("filter-operation");
      var chosen = select.value;
      replaceChildren(select, el("option", { value: "", text: "any" }),
        Object.keys(names).sort().map(function (name) { return el("option", { value: name, text: name }); }));
      select.value = chosen;
    }, function () { /* the filter still works on the other fields */ });
  }

  // ------------------------------------------------------------ faults
  function ruleText(rule) {
    if (rule.webhook) {
      var hook = rule.webhook;
      return "deliveries to " + hook.url + " fail" + (hook.timeout ? " (timeout)" : " (HTTP " + (hook.status || 500) + ")");
    }
    var when = Object.keys(rule.when || {}).map(function (k) {
      var v = rule.when[k];
      return k + " " + (typeof v === "string" ? v : JSON.stringify(v));
    }).join(", ") || "every call";
    var actions = [];
    if (rule.respond) actions.push(rule.respond.error !== undefined ? "error " + rule.respond.error : "HTTP " + rule.respond.status);
    if (rule.delay_ms) actions.push("delay " + rule.delay_ms + " ms");
    if (rule.drop_connection) actions.push("drop the connection");
    if (rule.rate_limit) actions.push("over " + rule.rate_limit.calls + " calls per " + rule.rate_limit.per);
    return "when " + when + " → " + actions.join(", ");
  }

  function timesLeft(rule) {
    var limit = rule.times;
    if (limit === undefined && rule.webhook && rule.webhook.fail !== undefined && rule.webhook.fail !== "always") limit = rule.webhook.fail;
    if (limit === undefined) return "no limit";
    var left = Math.max(limit - rule.fired, 0);
    return left === 0 ? "spent" : left + " left";
  }

  function drawFaults(faults) {
    var items = faults.map(function (rule) {
      var left = timesLeft(rule);
      return el("li", { className: left === "spent" ? "spent" : "", dataset: { rule: String(rule.id) } },
        el("span", { className: "rule-id", text: "#" + rule.id }),
        el("span", { className: "rule-text", text: (rule.description ? rule.description + ": " : "") + ruleText(rule) }),
        el("span", { className: "badge", text: "fired " + rule.fired }),
        el("span", { className: "badge left", text: left }));
    });
    if (!items.length) items = [el("li", { className: "muted", text: "no fault rules" })];
    replaceChildren($("fault-rows"), items);
  }

  // ------------------------------------------------------------ scenarios
  function loadScenarios() {
    return call("GET", "/scenarios").then(function (answer) {
      replaceChildren($("scenario-rows"), (answer.scenarios || []).map(function (s) {
        return el("li", { dataset: { scenario: s.name } },
          el("div", { className: "scenario-head" },
            el("strong", { text: s.name }),
            el("button", { type: "button", className: "load", dataset: { load: s.name }, text: "Load",
              onclick: function () { loadScenario(s.name); } })),
          el("p", { className: "muted", text: s.description || "" }));
      }));
    }, function () { /* shown by the poll's status */ });
  }

  function loadScenario(name) {
    openRows = {};
    openDetails = {};
    return act(call("POST", "/scenarios", { name: name }), function (answer) { return "loaded scenario " + answer.loaded; });
  }

  // ------------------------------------------------------------ wiring
  function wire() {
    Array.prototype.forEach.call(document.querySelectorAll("[data-advance]"), function (button) {
      button.addEventListener("click", function () { advance(button.dataset.advance); });
    });
    $("advance-form").addEventListener("submit", function (e) {
      e.preventDefault();
      var by = $("advance-by").value.trim();
      if (by) advance(by);
    });
    $("reset").addEventListener("click", function () {
      openRows = {};
      act(call("POST", "/reset", {}), function () { return "reset to the loaded scenario's initial state"; });
    });
    $("event-form").addEventListener("submit", function (e) {
      e.preventDefault();
      var order = $("event-order").value, type = $("event-type").value.trim();
      act(call("POST", "/dellin/events", { orderNumber: order, eventType: type }), function (answer) {
        var n = answer.deliveries.length;
        return type + " for order " + order + ": " + (n === 0 ? "no subscription matched" : n + " notification" + (n === 1 ? "" : "s") + " sent");
      });
    });
    ["filter-api", "filter-operation"].forEach(function (id) { $(id).addEventListener("change", function () { poll(); }); });
    var typing = null;
    $("filter-status").addEventListener("input", function () { clearTimeout(typing); typing = setTimeout(poll, 250); });
    $("journal-filters").addEventListener("submit", function (e) { e.preventDefault(); poll(); });
    $("token-form").addEventListener("submit", function (e) {
      e.preventDefault();
      sessionStorage.setItem(TOKEN_KEY, $("token-input").value);
      $("token-input").value = "";
      start();
    });
    document.addEventListener("visibilitychange", function () { if (!document.hidden) poll(); });
  }

  function start() {
    loadScenarios();
    loadOperations();
    return poll();
  }

  document.addEventListener("DOMContentLoaded", function () {
    tokenFromFragment();
    wire();
    start().then(schedule);
  });
})();
