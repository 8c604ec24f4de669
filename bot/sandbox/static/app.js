// The sandbox page: a chat app over the sandbox's JSON API. Every text a message shows is put in
// with textContent or text nodes, formatted from Telegram's entities with a whitelist of elements:
// no HTML from a message is ever parsed by the browser. The page's own texts come from the server
// (/api/texts, Fluent messages in the page's language: `?lang=en`, else the server's default).
"use strict";

const KINDS = {
  citizen: "sandbox-kind-citizen", grid: "sandbox-kind-grid", department: "sandbox-kind-department",
  deputy: "sandbox-kind-deputy", admin: "sandbox-kind-admin",
};
const state = { chats: [], active: null, revs: {}, seen: {}, replyTo: null, dismissed: new Set(), botId: null };
const $ = (id) => document.getElementById(id);
const TEXTS = {};
let locale = new URLSearchParams(location.search).get("lang") || "";  // the server's answer replaces it

// The text of a message id, its `{name}`s filled from `args`.
function t(key, args = {}) {
  const text = TEXTS[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in args ? String(args[name]) : whole));
}

// Put the texts into the page: data-t is an element's text, data-t-<attribute> an attribute's.
function translatePage() {
  document.documentElement.lang = locale;
  document.title = t("sandbox-page-title");
  for (const node of document.querySelectorAll("*")) {
    for (const { name, value } of Array.from(node.attributes)) {
      if (name === "data-t") node.textContent = t(value);
      else if (name.startsWith("data-t-")) node.setAttribute(name.slice("data-t-".length), t(value));
    }
  }
}

function renderLanguages(languages) {
  $("languages").replaceChildren(...languages.map((language) => el("a", {
    href: "?lang=" + encodeURIComponent(language.code),
    hreflang: language.code,
    lang: language.code,
    text: language.name,
    ...(language.code === locale ? { "aria-current": "page" } : {}),
  })));
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (key === "class") node.className = value;
    else if (key === "text") node.textContent = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value);
  }
  for (const child of children) if (child != null) node.append(child);
  return node;
}

async function api(path, body, isForm) {
  const options = body === undefined ? {} : {
    method: "POST",
    headers: isForm ? { "X-Sandbox": "1" } : { "X-Sandbox": "1", "Content-Type": "application/json" },
    body: isForm ? body : JSON.stringify(body),
  };
  const url = path + (path.includes("?") ? "&" : "?") + "lang=" + encodeURIComponent(locale);
  const response = await fetch(url, options);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.error || t("sandbox-request-failed", { status: response.status }));
  return data;
}

function toast(text, alert) {
  const box = $("toast");
  box.textContent = text;
  box.className = alert ? "alert" : "";
  box.hidden = false;
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => { box.hidden = true; }, alert ? 5000 : 2500);
}

// ---------------------------------------------------------------- formatting (entities → DOM)

const SAFE_LINK = /^(https?:|tg:|mailto:)/i;

function entityElement(entity, text) {
  switch (entity.type) {
    case "bold": return el("b");
    case "italic": return el("i");
    case "underline": return el("u");
    case "strikethrough": return el("s");
    case "code": return el("code");
    case "pre": return el("pre");
    case "blockquote": case "expandable_blockquote": return el("blockquote");
    case "spoiler": {
      const span = el("span", { class: "spoiler" });
      span.addEventListener("click", () => span.classList.add("shown"));
      return span;
    }
    case "text_link": case "url": {
      const href = entity.type === "url" ? text : entity.url || "";
      if (!SAFE_LINK.test(href)) return el("span");
      return el("a", { href, target: "_blank", rel: "noopener noreferrer" });
    }
    case "bot_command": {
      const span = el("span", { class: "command", title: t("sandbox-send-command") });
      span.addEventListener("click", () => sendText(text.split("@")[0]));
      return span;
    }
    default: return el("span");
  }
}

function formatted(text, entities) {
  const root = document.createDocumentFragment();
  const list = (entities || []).slice().sort((a, b) => a.offset - b.offset || b.length - a.length);
  const build = (parent, start, end, items) => {
    let pos = start;
    let i = 0;
    while (i < items.length) {
      const entity = items[i];
      if (entity.offset < pos || entity.offset >= end) { i += 1; continue; }
      if (entity.offset > pos) parent.append(text.slice(pos, entity.offset));
      const stop = Math.min(entity.offset + entity.length, end);
      const node = entityElement(entity, text.slice(entity.offset, stop));
      const inner = [];
      let j = i + 1;
      while (j < items.length && items[j].offset < stop) { inner.push(items[j]); j += 1; }
      build(node, entity.offset, stop, inner);
      parent.append(node);
      pos = stop;
      i = j;
    }
    if (pos < end) parent.append(text.slice(pos, end));
  };
  build(root, 0, text.length, list);
  return root;
}

function summary(message) {
  if (message.text) return message.text;
  if (message.photo) return t("sandbox-summary-photo", { caption: message.caption || "" });
  if (message.location) return t("sandbox-summary-location");
  if (message.contact) return t("sandbox-summary-contact");
  if (message.voice) return t("sandbox-summary-voice");
  if (message.document) return t("sandbox-summary-document");
  return message.caption || t("sandbox-summary-message");
}

// ---------------------------------------------------------------- the chat list

function renderChatList() {
  const nav = $("chat-list");
  nav.replaceChildren();
  let section = null;
  for (const chat of state.chats) {
    if (chat.kind !== section) {
      section = chat.kind;
      nav.append(el("div", { class: "chat-section", text: KINDS[chat.kind] ? t(KINDS[chat.kind]) : chat.kind }));
    }
    const unread = (state.revs[chat.id] || 0) > (state.seen[chat.id] || 0) && chat.id !== state.active;
    const item = el("button", {
      class: "chat-item" + (chat.id === state.active ? " active" : ""),
      type: "button",
      "data-chat-id": String(chat.id),
      "data-testid": "chat-" + chat.title,
      onclick: () => openChat(chat.id),
    },
      el("div", { class: "avatar " + chat.kind, text: chat.title.slice(0, 1) }),
      el("div", { class: "chat-meta" },
        el("div", { class: "chat-title", text: chat.title }),
        el("div", { class: "chat-subtitle", text: chat.subtitle })),
      unread ? el("span", { class: "unread", title: t("sandbox-unread") }) : null);
    nav.append(item);
  }
}

function activeChat() {
  return state.chats.find((c) => c.id === state.active);
}

async function openChat(chatId) {
  state.active = chatId;
  state.replyTo = null;
  const chat = activeChat();
  $("chat-title").textContent = chat.title;
  $("chat-subtitle").textContent = chat.subtitle;
  $("composer").hidden = false;
  renderReply();
  await loadChat(true);
  $("text-input").focus();
}

// ---------------------------------------------------------------- the conversation

async function loadChat(scroll) {
  const chatId = state.active;
  if (chatId === null) return;
  const seq = (state.loads = (state.loads || 0) + 1);
  const data = await api(`/api/chats/${chatId}`);
  if (chatId !== state.active || seq !== state.loads) return;  // a later load renders instead
  state.botId = data.bot_id;
  state.revs[chatId] = data.rev;
  state.seen[chatId] = data.rev;
  const box = $("messages");
  const atBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
  box.replaceChildren(...data.messages.map((m) => renderMessage(m, activeChat())));
  if (!data.messages.length) {
    box.append(el("div", { class: "service" }, t("sandbox-no-messages"), el("button", {
      type: "button", class: "command", text: "/start", onclick: () => sendText("/start"),
    })));
  }
  if (scroll || atBottom) box.scrollTop = box.scrollHeight;
  renderKeyboard(data.keyboard);
  if (data.force_reply && !state.replyTo && !state.dismissed.has(`${chatId}:${data.force_reply}`)) {
    const prompt = data.messages.find((m) => m.message_id === data.force_reply);
    if (prompt) setReply(prompt);
  }
  renderChatList();
}

function renderMessage(message, chat) {
  const mine = message.from && message.from.id !== state.botId;
  const wrapper = el("div", {
    class: "message" + (mine ? " mine" : ""),
    "data-message-id": String(message.message_id),
    "data-from": mine ? "user" : "bot",
  });
  const bubble = el("div", { class: "bubble" });
  if (chat.group && message.from) {
    bubble.append(el("div", { class: "sender", text: mine ? message.from.first_name : t("sandbox-bot-sender") }));
  }
  const quoted = message.reply_to_message;
  if (quoted) {
    bubble.append(el("div", {
      class: "quote", text: summary(quoted),
      onclick: () => flash(quoted.message_id),
    }));
  }
  if (message.photo) {
    const largest = message.photo[message.photo.length - 1];
    bubble.append(el("img", { class: "photo", src: `/api/files/${encodeURIComponent(largest.file_id)}`, alt: t("sandbox-photo") }));
  }
  const body = el("div", { class: "text" });
  if (message.text) body.append(formatted(message.text, message.entities));
  else if (message.caption) body.append(formatted(message.caption, message.caption_entities));
  else if (message.location) {
    const { latitude, longitude } = message.location;
    body.append(t("sandbox-location", { latitude: latitude.toFixed(5), longitude: longitude.toFixed(5) }));
  } else if (message.contact) body.append(`📞 ${message.contact.first_name} ${message.contact.phone_number}`);
  else if (message.voice) body.append(t("sandbox-voice", { duration: message.voice.duration || 0 }));
  else if (message.document) body.append(`📄 ${message.document.file_name || t("sandbox-file")}`);
  else if (!message.photo) body.append(summary(message));
  bubble.append(body);
  const meta = el("div", { class: "meta" },
    el("button", { type: "button", class: "reply-button", text: t("sandbox-reply"), onclick: () => setReply(message) }),
    el("span", { text: message.edit_date ? t("sandbox-edited", { time: message.sandbox_time || "" }) : message.sandbox_time || "" }));
  bubble.append(meta);
  wrapper.append(bubble);
  const rows = (message.reply_markup && message.reply_markup.inline_keyboard) || [];
  if (rows.length) {
    const keyboard = el("div", { class: "inline-keyboard" });
    for (const row of rows) {
      keyboard.append(el("div", { class: "inline-row" }, ...row.map((button) => inlineButton(message, button))));
    }
    wrapper.append(keyboard);
  }
  return wrapper;
}

function inlineButton(message, button) {
  if (button.callback_data !== undefined) {
    return el("button", {
      type: "button", text: button.text, "data-callback": button.callback_data,
      onclick: () => press(message.message_id, button.callback_data),
    });
  }
  const href = button.url || "";
  if (SAFE_LINK.test(href)) return el("a", { href, target: "_blank", rel: "noopener noreferrer", text: button.text });
  return el("button", { type: "button", text: button.text, disabled: "disabled" });
}

function flash(messageId) {
  const node = document.querySelector(`#messages [data-message-id="${messageId}"]`);
  if (!node) return;
  node.scrollIntoView({ block: "center" });
  node.classList.add("flash");
  setTimeout(() => node.classList.remove("flash"), 1200);
}

function renderKeyboard(markup) {
  const box = $("reply-keyboard");
  box.replaceChildren();
  const rows = (markup && markup.keyboard) || [];
  box.hidden = !rows.length;
  for (const row of rows) {
    box.append(el("div", { class: "inline-row" }, ...row.map((button) => {
      const label = typeof button === "string" ? button : button.text;
      return el("button", {
        type: "button", text: label,
        onclick: () => {
          if (button.request_contact) act(() => api(`/api/chats/${state.active}/contact`, {}));
          else if (button.request_location) act(() => api(`/api/chats/${state.active}/location`, {}));
          else sendText(label);
        },
      });
    })));
  }
}

function setReply(message) {
  state.replyTo = message;
  renderReply();
  $("text-input").focus();
}

function renderReply() {
  $("reply-bar").hidden = !state.replyTo;
  $("reply-preview").textContent = state.replyTo ? summary(state.replyTo) : "";
}

// ---------------------------------------------------------------- acting

async function act(work) {
  try {
    return await work();
  } catch (error) {
    toast(error.message, true);
    return null;
  }
}

async function sendText(text) {
  const replyTo = state.replyTo ? state.replyTo.message_id : null;
  const sent = await act(() => api(`/api/chats/${state.active}/text`, { text, reply_to: replyTo }));
  if (sent) { state.replyTo = null; renderReply(); }
  return sent;
}

async function press(messageId, data) {
  const answer = await act(() => api(`/api/chats/${state.active}/press`, { message_id: messageId, data }));
  if (answer && answer.text) toast(answer.text, answer.alert);
}

$("composer").addEventListener("submit", async (event) => {
  event.preventDefault();
  const input = $("text-input");
  const text = input.value.trim();
  if (!text) return;
  if (await sendText(text)) input.value = "";
});

$("photo-input").addEventListener("change", async (event) => {
  const file = event.target.files[0];
  event.target.value = "";
  if (!file) return;
  const form = new FormData();
  form.append("photo", file);
  const caption = $("text-input").value.trim();
  if (caption) form.append("caption", caption);
  if (state.replyTo) form.append("reply_to", String(state.replyTo.message_id));
  const sent = await act(() => api(`/api/chats/${state.active}/photo`, form, true));
  if (sent) { $("text-input").value = ""; state.replyTo = null; renderReply(); }
});

$("location-button").addEventListener("click", () => act(() => api(`/api/chats/${state.active}/location`, {})));

$("reply-cancel").addEventListener("click", () => {
  if (state.replyTo) state.dismissed.add(`${state.active}:${state.replyTo.message_id}`);
  state.replyTo = null;
  renderReply();
});

// ---------------------------------------------------------------- time

function showNow(now) {
  $("clock-now").textContent = now;
  const input = $("clock-input");
  if (document.activeElement !== input) input.value = now.replace(" ", "T");  // a starting point to edit
}

function renderPresets(presets) {
  $("clock-presets").replaceChildren(...presets.map((preset) => el("button", {
    type: "button", text: preset.label, "data-to": preset.to, onclick: () => jump(preset.to),
  })));
}

async function jump(to) {
  const result = await act(() => api("/api/clock", { to }));
  if (!result) return;
  showNow(result.now);
  $("clock-log").textContent = result.ran.length
    ? [t("sandbox-clock-jumped", { now: result.now }), ...result.ran].join("\n")
    : t("sandbox-clock-jumped-idle", { now: result.now });
  const fresh = await api("/api/state");
  renderPresets(fresh.presets);
}

$("clock-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const value = $("clock-input").value;
  if (value) jump(value);
});

// ---------------------------------------------------------------- live updates (server-sent events)

function listen() {
  const source = new EventSource("/api/events");
  source.onmessage = (event) => {
    const data = JSON.parse(event.data);
    if (data.now) showNow(data.now);
    let listChanged = false;
    for (const [id, rev] of Object.entries(data.revisions || {})) {
      const chatId = Number(id);
      state.revs[chatId] = rev;
      if (chatId === state.active) loadChat(false);
      else listChanged = true;
    }
    if (listChanged) renderChatList();
  };
}

async function start() {
  const texts = await api("/api/texts");
  Object.assign(TEXTS, texts.texts);
  locale = texts.locale;
  translatePage();
  renderLanguages(texts.languages);
  const data = await api("/api/state");
  state.chats = data.chats;
  state.botId = data.bot_id;
  for (const chat of data.chats) { state.revs[chat.id] = chat.rev; state.seen[chat.id] = chat.rev; }
  showNow(data.now);
  $("clock-zone").textContent = data.timezone;
  renderPresets(data.presets);
  renderChatList();
  listen();
  document.body.dataset.ready = "1";
}

start();
