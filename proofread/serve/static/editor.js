// The editor page: check a pasted text or a dropped file, mark each finding, accept or ignore it.
// Article text only ever reaches the page as text nodes and textContent (never parsed as HTML), and
// this file is the page's only script (the Content-Security-Policy allows no inline script).
"use strict";

const SEVERITY_ZH = { error: "严重", warning: "一般", info: "提示" };
const CATEGORY_ZH = {
  typo: "错别字", formulation: "规范表述", idiom: "成语", normative: "规范用语",
  outdated: "过时名称", sensitive: "敏感词", punctuation: "标点符号", custom: "自定义",
};

const $ = (id) => document.getElementById(id);
const state = { pieces: [], findings: [], name: null, docx: null, selected: null };

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (key === "class") node.className = value;
    else if (key === "onclick") node.addEventListener("click", value);
    else node.setAttribute(key, value);
  }
  for (const child of children) node.append(child); // strings become text nodes
  return node;
}

function headers(extra) {
  const key = $("apikey").value;
  return Object.assign(key ? { "X-API-Key": key } : {}, extra || {});
}

function say(message) {
  $("status").textContent = message || "";
}

async function answer(response) {
  let body = null;
  try {
    body = await response.json();
  } catch (e) {
    throw new Error(`服务器返回 ${response.status}`);
  }
  if (!response.ok) throw new Error(body.error || `服务器返回 ${response.status}`);
  return body;
}

async function checkText() {
  const text = $("source").value;
  if (!text.trim()) return say("请先粘贴文稿。");
  say("检查中…");
  const body = { text };
  if ($("date").value) body.date = $("date").value;
  try {
    const record = await answer(
      await fetch("/api/check", {
        method: "POST",
        headers: headers({ "Content-Type": "application/json" }),
        body: JSON.stringify(body),
      })
    );
    show(record, null, null);
  } catch (e) {
    say(`检查失败：${e.message}`);
  }
}

async function checkFile(file) {
  if (!file) return;
  say(`正在检查 ${file.name}…`);
  const form = new FormData();
  form.append("file", file);
  if ($("date").value) form.append("date", $("date").value);
  try {
    const record = await answer(await fetch("/api/check-file", { method: "POST", headers: headers(), body: form }));
    show(record, file.name, record.annotated);
  } catch (e) {
    say(`检查失败：${e.message}`);
  }
}

// Findings count code points; JavaScript strings count UTF-16 units: slice the text by code points.
function show(record, name, annotated) {
  const chars = Array.from(record.text);
  const findings = [...record.findings].sort((a, b) => a.start - b.start || a.end - b.end);
  state.pieces = [];
  state.findings = [];
  state.name = name;
  state.docx = annotated;
  state.selected = null;
  let pos = 0;
  findings.forEach((f) => {
    if (f.start < pos) return; // overlapping findings never come from the server; stay safe
    if (f.start > pos) state.pieces.push({ text: chars.slice(pos, f.start).join("") });
    const item = { f, id: state.findings.length, text: chars.slice(f.start, f.end).join(""), status: "open", value: null };
    state.findings.push(item);
    state.pieces.push(item);
    pos = f.end;
  });
  if (pos < chars.length) state.pieces.push({ text: chars.slice(pos).join("") });
  buildCategoryFilters();
  $("download-docx").hidden = !annotated;
  $("input").hidden = true;
  $("result").hidden = false;
  say("");
  render();
}

function buildCategoryFilters() {
  const box = $("categories");
  box.replaceChildren();
  const seen = [...new Set(state.findings.map((item) => item.f.category))].sort();
  for (const category of seen) {
    const input = el("input", { type: "checkbox", class: "category", value: category });
    input.checked = true;
    input.addEventListener("change", render);
    box.append(el("label", {}, input, ` ${CATEGORY_ZH[category] || category}`));
  }
}

function visible(item) {
  const severities = [...document.querySelectorAll("input.severity:checked")].map((i) => i.value);
  const categories = [...document.querySelectorAll("input.category:checked")].map((i) => i.value);
  return severities.includes(item.f.severity) && categories.includes(item.f.category);
}

function render() {
  const doc = $("doc");
  doc.replaceChildren();
  const list = $("list");
  list.replaceChildren();
  let open = 0;
  let shown = 0;
  for (const piece of state.pieces) {
    if (piece.f === undefined) {
      doc.append(document.createTextNode(piece.text));
      continue;
    }
    const item = piece;
    if (!visible(item)) {
      doc.append(document.createTextNode(item.status === "accepted" ? item.value : item.text));
      continue;
    }
    shown += 1;
    if (item.status === "open") open += 1;
    let node;
    if (item.status === "accepted") {
      node = el("span", { class: "accepted", "data-id": String(item.id) }, item.value);
      node.title = `已改：${item.text} → ${item.value}`;
    } else if (item.status === "ignored") {
      node = document.createTextNode(item.text);
    } else {
      node = el("mark", { class: item.f.severity, "data-id": String(item.id) }, item.text);
      node.title = `【${SEVERITY_ZH[item.f.severity]}】${item.f.message}` +
        (item.f.suggestions.length ? `\n建议：${item.f.suggestions.join(" / ")}` : "");
      if (state.selected === item.id) node.classList.add("selected");
    }
    if (node.nodeType === Node.ELEMENT_NODE) node.addEventListener("click", () => select(item.id));
    doc.append(node);
    const fix = item.f.suggestions.length ? ` → ${item.f.suggestions.join(" / ")}` : "";
    const li = el("li", { class: item.status === "open" ? "" : "done" },
      el("span", { class: `tag ${item.f.severity}` }, SEVERITY_ZH[item.f.severity]), `${item.text}${fix}　${item.f.message}`);
    li.addEventListener("click", () => select(item.id));
    list.append(li);
  }
  $("summary").textContent = `共 ${state.findings.length} 处，显示 ${shown} 处，待处理 ${open} 处`;
  renderDetail();
}

function select(id) {
  state.selected = id;
  render();
}

function renderDetail() {
  const box = $("detail");
  const item = state.findings[state.selected];
  if (item === undefined) {
    box.hidden = true;
    return;
  }
  const f = item.f;
  const same = state.findings.filter((other) => other.f.rule === f.rule && other.status === "open" && other.f.suggestions.length);
  const buttons = el("div", { class: "buttons" });
  if (item.status === "open") {
    for (const suggestion of f.suggestions) {
      buttons.append(el("button", { type: "button", class: "accept primary", onclick: () => accept(item, suggestion) }, `改为“${suggestion}”`));
    }
    buttons.append(el("button", { type: "button", class: "ignore", onclick: () => ignore(item) }, "忽略"));
    if (same.length > 1) {
      buttons.append(el("button", { type: "button", class: "accept-rule", onclick: () => acceptRule(f.rule) }, `全部接受此规则（${same.length} 处）`));
    }
  } else {
    buttons.append(el("button", { type: "button", class: "undo", onclick: () => undo(item) }, "撤销"));
  }
  box.replaceChildren(
    el("h2", {}, el("span", { class: `tag ${f.severity}` }, SEVERITY_ZH[f.severity]), `${CATEGORY_ZH[f.category] || f.category}：“${item.text}”`),
    el("p", { class: "message" }, f.message),
    el("p", { class: "rule" }, `规则 ${f.rule}　来源 ${f.source}　置信度 ${f.confidence.toFixed(2)}`),
    buttons
  );
  box.hidden = false;
}

function accept(item, suggestion) {
  item.status = "accepted";
  item.value = suggestion;
  render();
}

function ignore(item) {
  item.status = "ignored";
  render();
}

function undo(item) {
  item.status = "open";
  item.value = null;
  render();
}

function acceptRule(rule) {
  for (const item of state.findings) {
    if (item.f.rule === rule && item.status === "open" && item.f.suggestions.length) {
      item.status = "accepted";
      item.value = item.f.suggestions[0];
    }
  }
  render();
}

function corrected() {
  return state.pieces.map((p) => (p.f !== undefined && p.status === "accepted" ? p.value : p.text)).join("");
}

function stem() {
  return state.name ? state.name.replace(/\.[^.]*$/, "") : "文稿";
}

function download(blob, filename) {
  const url = URL.createObjectURL(blob);
  const link = el("a", { href: url, download: filename });
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

function downloadText() {
  download(new Blob([corrected()], { type: "text/plain;charset=utf-8" }), `${stem()}.corrected.txt`);
}

function downloadDocx() {
  if (!state.docx) return;
  const bytes = Uint8Array.from(atob(state.docx.docx_base64), (c) => c.charCodeAt(0));
  const type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
  download(new Blob([bytes], { type }), state.docx.filename);
}

function edit() {
  $("source").value = corrected();
  $("result").hidden = true;
  $("input").hidden = false;
  say("");
}

async function start() {
  $("check").addEventListener("click", checkText);
  $("file").addEventListener("change", (e) => checkFile(e.target.files[0]));
  $("edit").addEventListener("click", edit);
  $("download-text").addEventListener("click", downloadText);
  $("download-docx").addEventListener("click", downloadDocx);
  document.querySelectorAll("input.severity").forEach((i) => i.addEventListener("change", render));
  const drop = $("drop");
  drop.addEventListener("dragover", (e) => {
    e.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    checkFile(e.dataTransfer.files[0]);
  });
  try {
    const health = await answer(await fetch("/health"));
    $("key-label").hidden = !health.api_key_required;
  } catch (e) {
    say(`服务器不可用：${e.message}`);
  }
}

document.addEventListener("DOMContentLoaded", start);
