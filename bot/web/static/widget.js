// The chat widget over Rasa's socket.io channel.
//
// Safety: text from the user or the bot is inserted as text nodes, never as HTML; only
// http(s) links become <a> elements, showing the address itself, and **bold** becomes <strong>.
//
// Delivery: each message the user sends gets a client id and stays in the outbox (marked
// "not sent yet") until the server acknowledges it; it is sent again after a timeout or when
// the connection returns. The server processes a message once however often it arrives, and
// tags each reply with the message's id and its place in the turn (bot/delivery.py), so the
// widget shows each reply once.
//
// Privacy: localStorage keeps only the session id and whether the window is minimised. The
// transcript (and the outbox) lives in sessionStorage: it survives a reload, ends with the tab,
// and "Bắt đầu lại" deletes it at once and starts a new session.
(function () {
  "use strict";
  const config = window.WIDGET_CONFIG;
  const T = config.texts;
  const LOCAL = "tro-ly-cchc"; // localStorage: {sessionId, minimised}
  const TAB = "tro-ly-cchc-hoi-thoai"; // sessionStorage: {history, outbox}
  const KEPT = 100; // messages kept across reloads of the tab
  const ACK_TIMEOUT_MS = 20000; // a whole turn (the ack comes when the turn is done)
  const RETRY_MS = 1000;
  const NEAR_LIMIT = 0.9;

  const chat = document.getElementById("chat");
  const log = document.getElementById("chat-log");
  const form = document.getElementById("chat-form");
  const input = document.getElementById("chat-input");
  const status = document.getElementById("chat-status");
  const typing = document.getElementById("chat-typing");
  const counter = document.getElementById("chat-counter");
  const fileInput = document.getElementById("chat-file");
  const attach = document.getElementById("chat-attach");
  const minimise = document.getElementById("chat-minimise");
  const restart = document.getElementById("chat-restart");

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, name) { return values[name]; });
  }

  function viNumber(number) {
    return number.toLocaleString("vi-VN");
  }

  function read(storage, key) {
    try {
      return JSON.parse(storage.getItem(key) || "{}") || {};
    } catch (error) {
      return {};
    }
  }

  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }

  const local = read(localStorage, LOCAL);
  const tab = read(sessionStorage, TAB);
  const state = {
    sessionId: typeof local.sessionId === "string" ? local.sessionId : null,
    minimised: local.minimised === true,
    confirmed: false, // the server has confirmed the session on this connection
    history: Array.isArray(tab.history) ? tab.history : [],
    outbox: Array.isArray(tab.outbox) ? tab.outbox : [],
    inFlight: null, // the id of the outbox message awaiting its ack
    answerStart: null, // the first reply to the latest message, kept in view
  };
  const seen = new Set(state.history.filter(function (e) { return e.replyTo; }).map(replyKey));

  function replyKey(entry) { return entry.replyTo + ":" + entry.seq; }

  function persist() {
    state.history = state.history.slice(-KEPT);
    // Rewriting the whole entry also drops what older versions kept there (the transcript).
    localStorage.setItem(LOCAL, JSON.stringify({
      sessionId: state.sessionId, minimised: state.minimised,
    }));
    sessionStorage.setItem(TAB, JSON.stringify({ history: state.history, outbox: state.outbox }));
  }

  // --- words ------------------------------------------------------------------------------
  document.querySelectorAll("[data-text]").forEach(function (el) {
    el.textContent = T[el.dataset.text];
  });
  document.querySelectorAll("[data-label]").forEach(function (el) {
    el.setAttribute("aria-label", T[el.dataset.label]);
    el.title = T[el.dataset.label];
  });
  document.querySelectorAll("[data-placeholder]").forEach(function (el) {
    el.placeholder = T[el.dataset.placeholder];
  });
  input.maxLength = config.maxMessageChars;
  fileInput.accept = config.uploadTypes.join(",");

  // --- rendering --------------------------------------------------------------------------
  const LINK = /\bhttps?:\/\/[^\s<>"']+/gi;
  const TRAILING = /[.,;:!?)\]]+$/;
  const BOLD = /\*\*([^*\n]+)\*\*/g;

  function safeHref(address) {
    try {
      const url = new URL(address);
      return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
    } catch (error) {
      return null;
    }
  }

  // Plain text with its http(s) addresses as links (the address is the link's text).
  function appendLinked(parent, text) {
    let last = 0;
    text.replace(LINK, function (match, offset) {
      const address = match.replace(TRAILING, "");
      const href = safeHref(address);
      if (!href) { return match; }
      parent.appendChild(document.createTextNode(text.slice(last, offset)));
      const link = document.createElement("a");
      link.href = href;
      link.textContent = address;
      link.target = "_blank";
      link.rel = "noopener noreferrer nofollow";
      parent.appendChild(link);
      last = offset + address.length;
      return match;
    });
    parent.appendChild(document.createTextNode(text.slice(last)));
  }

  // Line breaks stay as the bot sends them (white-space: pre-wrap); **bold** is bold.
  function formatInto(parent, text) {
    let last = 0;
    text.replace(BOLD, function (match, inner, offset) {
      appendLinked(parent, text.slice(last, offset));
      const strong = document.createElement("strong");
      appendLinked(strong, inner);
      parent.appendChild(strong);
      last = offset + match.length;
      return match;
    });
    appendLinked(parent, text.slice(last));
  }

  function timeOf(entry) {
    const time = document.createElement("time");
    const at = new Date(entry.at);
    time.dateTime = at.toISOString();
    time.textContent = at.toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit" });
    return time;
  }

  function renderMeta(item, entry) {
    let meta = item.querySelector(".meta");
    if (!meta) {
      meta = document.createElement("div");
      meta.className = "meta";
      item.appendChild(meta);
    }
    meta.replaceChildren(timeOf(entry));
    const pending = entry.from === "user" && entry.status === "pending";
    item.classList.toggle("msg-pending", pending);
    if (entry.from === "user") {
      const mark = document.createElement("span");
      mark.className = "delivery";
      mark.textContent = pending ? " · " + T.pending : " · ✓ " + T.sent;
      meta.appendChild(mark);
    }
  }

  function renderButtons(item, entry) {
    const row = document.createElement("div");
    row.className = "buttons";
    entry.buttons.forEach(function (button) {
      const el = document.createElement("button");
      el.type = "button";
      el.textContent = button.title;
      el.disabled = Boolean(entry.answered);
      if (entry.chosen === button.title) { el.classList.add("chosen"); }
      el.addEventListener("click", function () {
        entry.chosen = button.title;
        el.classList.add("chosen");
        send(button.payload || button.title, button.title);
        input.focus();
      });
      row.appendChild(el);
    });
    item.appendChild(row);
  }

  function render(entry) {
    const item = document.createElement("li");
    item.className = "msg msg-" + entry.from + (entry.note ? " msg-note" : "");
    if (entry.id) { item.dataset.id = entry.id; }
    const bubble = document.createElement("div");
    bubble.className = "bubble";
    formatInto(bubble, entry.text || "");
    item.appendChild(bubble);
    if (entry.buttons && entry.buttons.length) { renderButtons(item, entry); }
    renderMeta(item, entry);
    log.appendChild(item);
    return item;
  }

  function add(entry) {
    entry.at = entry.at || Date.now();
    state.history.push(entry);
    persist();
    return render(entry);
  }

  // Once the user answers, the earlier choices are closed (here and after a reload).
  function closeButtons() {
    state.history.forEach(function (entry) {
      if (entry.buttons && entry.buttons.length) { entry.answered = true; }
    });
    log.querySelectorAll(".buttons button").forEach(function (el) { el.disabled = true; });
  }

  function scrollToEnd() { log.scrollTop = log.scrollHeight; }

  // The start of the answer stays in view: show as much of it as fits, from its first line.
  function keepAnswerInView() {
    if (!state.answerStart) { return; }
    const top = state.answerStart.offsetTop - log.offsetTop - 8;
    log.scrollTop = Math.min(top, log.scrollHeight - log.clientHeight);
  }

  // Shown below the log, it shortens it: what was in view at the end stays in view.
  function setTyping(on) {
    const atEnd = log.scrollHeight - log.scrollTop - log.clientHeight < 4;
    typing.hidden = !on;
    if (state.answerStart) { keepAnswerInView(); } else if (atEnd) { scrollToEnd(); }
  }

  function setStatus(kind) {
    status.dataset.state = kind;
    status.textContent = T["status_" + kind];
  }

  function updateCounter() {
    const count = input.value.length;
    counter.textContent = fill(T.counter, {
      count: viNumber(count), limit: viNumber(config.maxMessageChars),
    });
    counter.classList.toggle("near", count >= NEAR_LIMIT * config.maxMessageChars);
  }

  // --- delivery ---------------------------------------------------------------------------
  // Long polling only: the engine's Sanic 21.12 fails every websocket upgrade on Python 3.11
  // ("Passing coroutines is forbidden" in sanic/server/websockets/impl.py), and the failed
  // upgrade leaves the socket.io session without its confirmation.
  const socket = io(config.socketUrl, {
    path: "/socket.io", transports: ["polling"], reconnectionDelayMax: 3000,
  });

  function markSent(id) {
    const entry = state.history.find(function (e) { return e.id === id; });
    if (entry && entry.status === "pending") {
      entry.status = "sent";
      const item = log.querySelector('[data-id="' + CSS.escape(id) + '"]');
      if (item) { renderMeta(item, entry); }
    }
    state.outbox = state.outbox.filter(function (m) { return m.id !== id; });
    persist();
  }

  // One message at a time, in order: the next goes once the previous is acknowledged.
  function flush() {
    if (!socket.connected || !state.confirmed || state.inFlight || !state.outbox.length) {
      return;
    }
    const message = state.outbox[0];
    state.inFlight = message.id;
    setTyping(true);
    socket.timeout(ACK_TIMEOUT_MS).emit("user_uttered", {
      message: message.text, session_id: state.sessionId, metadata: { client_id: message.id },
    }, function (error) {
      if (state.inFlight !== message.id) { return; } // restarted meanwhile
      state.inFlight = null;
      if (error) {
        // Timed out or disconnected: sent again (the server answers it once either way).
        setTimeout(flush, RETRY_MS);
        return;
      }
      markSent(message.id);
      if (!state.outbox.length) { setTyping(false); }
      flush();
    });
  }

  function enqueue(text, shown) {
    const id = newId();
    state.outbox.push({ id: id, text: text });
    if (shown !== null) {
      closeButtons();
      add({ id: id, from: "user", text: shown, status: "pending" });
      state.answerStart = null;
      scrollToEnd();
    } else {
      persist();
    }
    flush();
  }

  function send(payload, shown) {
    const text = (payload || "").trim();
    if (text) { enqueue(text, shown || text); }
  }

  function greet() {
    state.answerStart = add({ from: "bot", text: T.welcome });
    enqueue(config.menuRequest, null); // the menu comes from Rasa, as on Telegram
  }

  socket.on("connect", function () {
    setStatus("online");
    socket.emit("session_request", { session_id: state.sessionId });
  });
  socket.on("disconnect", function () {
    state.confirmed = false;
    setTyping(false); // nothing is being answered until the message goes again
    setStatus("offline");
  });
  socket.io.on("reconnect_attempt", function () {
    if (status.dataset.state !== "offline") { setStatus("offline"); }
  });
  socket.on("session_confirm", function (data) {
    state.sessionId = (data && data.session_id) || data;
    state.confirmed = true;
    persist();
    attach.classList.remove("disabled");
    fileInput.disabled = false;
    flush();
  });
  socket.on("bot_uttered", function (message) {
    const entry = {
      from: "bot", text: message.text || "", buttons: message.quick_replies || message.buttons || [],
    };
    if (message.reply_to) {
      entry.replyTo = message.reply_to;
      entry.seq = message.seq;
      if (seen.has(replyKey(entry))) { return; } // a repeat of a reply already shown
      seen.add(replyKey(entry));
      markSent(message.reply_to);
    }
    const item = add(entry);
    if (!state.answerStart) { state.answerStart = item; }
    keepAnswerInView();
  });

  // --- upload -----------------------------------------------------------------------------
  function showReplies(replies) {
    replies.forEach(function (reply) {
      const item = add({ from: "bot", text: reply.text || "", buttons: reply.buttons || [] });
      if (!state.answerStart) { state.answerStart = item; }
    });
    keepAnswerInView();
  }

  function note(text) {
    const item = add({ from: "bot", text: text, note: true });
    state.answerStart = state.answerStart || item;
    keepAnswerInView();
  }

  async function upload(file) {
    if (config.uploadTypes.indexOf(file.type) < 0) {
      note(T.attach_wrong_type);
      return;
    }
    closeButtons();
    add({ from: "user", text: fill(T.attached, { name: file.name }), status: "sent" });
    state.answerStart = null;
    scrollToEnd();
    const body = new FormData();
    body.append("sender_id", state.sessionId);
    body.append("file", file);
    setTyping(true);
    try {
      const response = await fetch("/api/upload", { method: "POST", body: body });
      const answer = await response.json();
      if (response.ok) { showReplies(answer.replies || []); } else { note(answer.error || T.upload_failed); }
    } catch (error) {
      note(T.upload_failed);
    } finally {
      setTyping(state.outbox.length > 0);
    }
  }

  // --- controls ---------------------------------------------------------------------------
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    send(input.value);
    input.value = "";
    autoGrow();
    updateCounter();
    input.focus();
  });
  // Enter sends, Shift+Enter starts a new line; not while an input method composes a word
  // (Vietnamese Telex/VNI keyboards confirm with Enter).
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  function autoGrow() {
    input.style.height = "auto";
    input.style.height = input.scrollHeight + "px";
  }
  input.addEventListener("input", function () { autoGrow(); updateCounter(); });

  fileInput.addEventListener("change", function () {
    const file = fileInput.files && fileInput.files[0];
    fileInput.value = "";
    if (file) { upload(file); }
    input.focus();
  });

  function showMinimised() {
    chat.classList.toggle("minimised", state.minimised);
    minimise.setAttribute("aria-expanded", String(!state.minimised));
    const label = state.minimised ? T.restore : T.minimise;
    minimise.setAttribute("aria-label", label);
    minimise.title = label;
    minimise.textContent = state.minimised ? "▴" : "–";
  }
  minimise.addEventListener("click", function () {
    state.minimised = !state.minimised;
    persist();
    showMinimised();
    if (!state.minimised) { keepAnswerInView(); input.focus(); }
  });

  // Forget this conversation on this device and start a new session (a new id: the server
  // keeps nothing of the old one in this browser, and the new one starts from nothing).
  restart.addEventListener("click", function () {
    if (!window.confirm(T.restart_confirm)) { return; }
    socket.disconnect();
    sessionStorage.removeItem(TAB);
    localStorage.removeItem(LOCAL);
    Object.assign(state, {
      sessionId: null, confirmed: false, history: [], outbox: [], inFlight: null, answerStart: null,
    });
    seen.clear();
    log.replaceChildren();
    setTyping(false);
    greet();
    socket.connect();
    input.focus();
  });

  // --- start ------------------------------------------------------------------------------
  attach.classList.add("disabled");
  fileInput.disabled = true; // until the session is confirmed
  setStatus("connecting");
  showMinimised();
  updateCounter();
  state.history.forEach(render);
  if (!state.history.length) { greet(); }
  scrollToEnd();

  // Dossier updates kept for this conversation by the web server (bot/web/notifications.py):
  // asked for while the page is open; "after" confirms those shown, which the server forgets.
  const NOTIFY_EVERY_MS = 15000;
  let shownUpTo = Number(sessionStorage.getItem(LOCAL + "-notified") || 0);
  function fetchUpdates() {
    if (!state.sessionId) { return; }
    const query = "sender_id=" + encodeURIComponent(state.sessionId) + "&after=" + shownUpTo;
    fetch("/api/notifications?" + query)
      .then(function (r) { return r.ok ? r.json() : { notifications: [] }; })
      .then(function (body) {
        body.notifications.forEach(function (n) {
          if (n.id <= shownUpTo) { return; }
          add({ from: "bot", text: n.text, buttons: n.buttons });
          shownUpTo = n.id;
          sessionStorage.setItem(LOCAL + "-notified", String(shownUpTo));
        });
      })
      .catch(function () { /* tried again at the next tick */ });
  }
  setInterval(fetchUpdates, NOTIFY_EVERY_MS);
})();
