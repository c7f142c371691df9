// Renders /openapi.json as a list of endpoints, served from here (FastAPI's own docs pages load a CDN).
"use strict";

function el(tag, text, className) {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

function schemaFields(schema, spec) {
  if (schema && schema.$ref) schema = spec.components.schemas[schema.$ref.split("/").pop()];
  return schema && schema.properties ? Object.keys(schema.properties) : [];
}

async function start() {
  const box = document.getElementById("endpoints");
  try {
    const spec = await (await fetch("/openapi.json")).json();
    for (const [path, methods] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(methods)) {
        const section = el("section");
        section.append(el("h2", `${method.toUpperCase()} ${path}`));
        if (op.summary) section.append(el("p", op.summary));
        if (op.description) section.append(el("p", op.description));
        const body = op.requestBody && op.requestBody.content;
        if (body) {
          for (const [type, content] of Object.entries(body)) {
            section.append(el("p", `请求 ${type}：${schemaFields(content.schema, spec).join(", ")}`));
          }
        }
        const ok = op.responses && op.responses["200"] && op.responses["200"].content;
        if (ok && ok["application/json"]) {
          const fields = schemaFields(ok["application/json"].schema, spec);
          if (fields.length) section.append(el("p", `响应：${fields.join(", ")}`));
        }
        box.append(section);
      }
    }
  } catch (e) {
    document.getElementById("status").textContent = `无法读取 /openapi.json：${e.message}`;
  }
}

document.addEventListener("DOMContentLoaded", start);
