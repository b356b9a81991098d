// Minimal chat widget over Rasa's socket.io channel. Text is always inserted as textContent,
// never as HTML, so nothing a user or the bot sends can inject markup.
(function () {
  "use strict";
  const STORE = "tro-ly-cchc";
  const KEPT = 100; // messages kept across reloads
  const log = document.getElementById("chat-log");
  const form = document.getElementById("chat-form");
  const input = document.getElementById("chat-input");
  const status = document.getElementById("chat-status");
  const saved = JSON.parse(localStorage.getItem(STORE) || "{}");
  const state = { sessionId: saved.sessionId || null, history: saved.history || [] };
  // Rasa drops a message sent before it has confirmed the session: hold it until then.
  const pending = [];

  function persist() {
    state.history = state.history.slice(-KEPT);
    localStorage.setItem(STORE, JSON.stringify({
      sessionId: state.sessionId, history: state.history,
    }));
  }

  function render(entry) {
    const item = document.createElement("li");
    item.className = "msg msg-" + entry.from;
    const bubble = document.createElement("div");
    bubble.className = "bubble";
    bubble.textContent = entry.text || "";
    item.appendChild(bubble);
    if (entry.buttons && entry.buttons.length) {
      const row = document.createElement("div");
      row.className = "buttons";
      entry.buttons.forEach(function (button) {
        const el = document.createElement("button");
        el.type = "button";
        el.textContent = button.title;
        el.addEventListener("click", function () {
          // A choice is made once, as on Telegram: the keyboard goes, here and after reload.
          entry.buttons = [];
          row.remove();
          send(button.payload || button.title, button.title);
        });
        row.appendChild(el);
      });
      item.appendChild(row);
    }
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
  }

  function add(entry) {
    state.history.push(entry);
    persist();
    render(entry);
  }

  // Long polling only: the engine's Sanic 21.12 fails every websocket upgrade on Python 3.11
  // ("Passing coroutines is forbidden" in sanic/server/websockets/impl.py), and the failed
  // upgrade leaves the socket.io session without its confirmation.
  const socket = io(window.WIDGET_CONFIG.socketUrl, { path: "/socket.io", transports: ["polling"] });

  function emit(text) {
    socket.emit("user_uttered", { message: text, session_id: state.sessionId });
  }

  function send(payload, shown) {
    const text = (payload || "").trim();
    if (!text) { return; }
    add({ from: "user", text: shown || text });
    if (state.sessionId && socket.connected) { emit(text); } else { pending.push(text); }
  }

  socket.on("connect", function () {
    status.textContent = "";
    socket.emit("session_request", { session_id: state.sessionId });
  });
  socket.on("disconnect", function () { status.textContent = "mất kết nối, đang thử lại…"; });
  socket.on("session_confirm", function (data) {
    state.sessionId = (data && data.session_id) || data;
    persist();
    pending.splice(0).forEach(emit);
  });
  socket.on("bot_uttered", function (message) {
    const buttons = message.quick_replies || message.buttons || [];
    add({ from: "bot", text: message.text || "", buttons: buttons });
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    send(input.value);
    input.value = "";
  });

  state.history.forEach(render);

  // Dossier updates kept for this conversation by the web server (bot/web/notifications.py):
  // asked for while the page is open; "after" confirms those shown, which the server forgets.
  const NOTIFY_EVERY_MS = 15000;
  let shownUpTo = Number(localStorage.getItem(STORE + "-notified") || 0);
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
          localStorage.setItem(STORE + "-notified", String(shownUpTo));
        });
      })
      .catch(function () { /* tried again at the next tick */ });
  }
  setInterval(fetchUpdates, NOTIFY_EVERY_MS);
})();
