// Account console page "Service accounts": the Act-As service accounts the signed-in person may manage (all of
// the realm's with manage-users; a namespace's with manage-members of its group). A plain ES module (React
// comes from the console's import map). It calls /realms/{realm}/act-as-admin/service-accounts, the admin API's
// resource run with the person's own admin rights; every call carries the X-Act-As-Console header, which a
// cross-site page cannot send. A key is shown once, right after create or rotate, and is never stored here.
import { createElement as h, useEffect, useState } from "react";

const WARN_DAYS = 14;
const DAY = 24 * 3600 * 1000;
const environment = JSON.parse(document.getElementById("environment").textContent);
const url = `${environment.serverBaseUrl}/realms/${encodeURIComponent(environment.realm)}/act-as-admin/service-accounts`;

function call(path, method, body) {
  const headers = { "X-Act-As-Console": "1" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  return fetch(url + path, { method, headers, credentials: "same-origin", cache: "no-store",
    body: body === undefined ? undefined : JSON.stringify(body) })
    .then((r) => (r.status === 204 ? {} : r.json().then((b) => (r.ok ? b : Promise.reject({ status: r.status, body: b })))));
}

function problem(e) {
  return (e && e.body && (e.body.errorMessage || e.body.error_description || e.body.error)) || String(e);
}

function daysLeft(account) {
  return Math.ceil((Date.parse(account.expiresAt) - Date.now()) / DAY);
}

function stateLabel(account) {
  const days = daysLeft(account);
  const soon = (account.state === "active" || account.state === "expiring") && days <= WARN_DAYS;
  const [modifier, text] = account.state === "revoked" ? ["pf-m-indeterminate", "Revoked"]
    : account.state === "expired" ? ["pf-m-error", "Expired"]
    : soon ? ["pf-m-warning act-as-sa-expiring", `Expires in ${days} day${days === 1 ? "" : "s"}`]
    : ["pf-m-success", "Active"];
  return h("div", { className: "pf-v5-c-helper-text" },
    h("div", { className: `pf-v5-c-helper-text__item ${modifier}` },
      h("span", { className: "pf-v5-c-helper-text__item-text" }, text)));
}

function actsAs(account) {
  if (!account.actsAs) return "itself";
  return account.actsAs.user ? `user ${account.actsAs.user}` : `group ${account.actsAs.group}`;
}

function KeyOnce({ shown, onDone }) {
  const [copied, setCopied] = useState(false);
  useEffect(() => document.getElementById("act-as-sa-key-alert").scrollIntoView(), []);
  return h("div", { className: "pf-v5-c-alert pf-m-success pf-m-inline", id: "act-as-sa-key-alert" },
    h("p", { className: "pf-v5-c-alert__title" }, `Key of ${shown.name}: copy it now, it is not shown again`),
    h("div", { className: "pf-v5-c-alert__description" },
      h("div", { className: "pf-v5-c-input-group" },
        h("input", { className: "pf-v5-c-form-control", id: "act-as-sa-key", readOnly: true, value: shown.key,
          "aria-label": "Service-account key", size: 60 }),
        h("button", { className: "pf-v5-c-button pf-m-control", id: "act-as-sa-copy", type: "button",
          onClick: () => navigator.clipboard.writeText(shown.key).then(() => setCopied(true)) },
          copied ? "Copied" : "Copy"))),
    h("div", { className: "pf-v5-c-alert__action-group" },
      h("button", { className: "pf-v5-c-button pf-m-link pf-m-inline", type: "button", id: "act-as-sa-key-done",
        onClick: onDone }, "I have stored it")));
}

const EMPTY = { name: "", description: "", namespace: "", actsAsKind: "", actsAs: "", clients: "", expires: "" };

function CreateForm({ onCreated, onError }) {
  const [form, setForm] = useState(EMPTY);
  const field = (key, label, props = {}) => h("div", { className: "pf-v5-c-form__group" },
    h("label", { className: "pf-v5-c-form__label", htmlFor: `act-as-sa-${key}` }, label),
    h("input", { className: "pf-v5-c-form-control", id: `act-as-sa-${key}`, value: form[key],
      onChange: (e) => setForm({ ...form, [key]: e.target.value }), ...props }));
  const submit = (e) => {
    e.preventDefault();
    const body = { name: form.name.trim(), clients: form.clients.split(",").map((c) => c.trim()).filter(Boolean) };
    if (form.description.trim()) body.description = form.description.trim();
    if (form.namespace.trim()) body.namespace = form.namespace.trim();
    if (form.actsAsKind && form.actsAs.trim()) body.actsAs = { [form.actsAsKind]: form.actsAs.trim() };
    if (form.expires) body.expiresAt = new Date(`${form.expires}T00:00:00Z`).toISOString();
    call("", "POST", body).then((created) => { setForm(EMPTY); onCreated(created); }, (err) => onError(problem(err)));
  };
  return h("form", { className: "pf-v5-c-form", id: "act-as-sa-form", onSubmit: submit },
    h("h2", { className: "pf-v5-c-title pf-m-lg" }, "New service account"),
    field("name", "Name", { required: true, placeholder: "ci-deploy" }),
    field("description", "Description"),
    field("namespace", "Namespace (group path; empty: the whole realm)", { placeholder: "/team-a" }),
    h("div", { className: "pf-v5-c-form__group" },
      h("label", { className: "pf-v5-c-form__label", htmlFor: "act-as-sa-actsAsKind" }, "Acts as"),
      h("select", { className: "pf-v5-c-form-control", id: "act-as-sa-actsAsKind", value: form.actsAsKind,
        onChange: (e) => setForm({ ...form, actsAsKind: e.target.value }) },
        h("option", { value: "" }, "itself (its own roles)"), h("option", { value: "user" }, "a user"),
        h("option", { value: "group" }, "a group")),
      form.actsAsKind ? h("input", { className: "pf-v5-c-form-control", id: "act-as-sa-actsAs", value: form.actsAs,
        placeholder: form.actsAsKind === "user" ? "username" : "/group/path",
        onChange: (e) => setForm({ ...form, actsAs: e.target.value }) }) : null),
    field("clients", "Clients that may use the key (comma-separated)", { required: true, placeholder: "ci" }),
    field("expires", "Expires (empty: the server's default)", { type: "date" }),
    h("div", { className: "pf-v5-c-form__actions" },
      h("button", { className: "pf-v5-c-button pf-m-primary", type: "submit", id: "act-as-sa-create" }, "Create")));
}

function Row({ account, onKey, onChanged, onError }) {
  const [confirming, setConfirming] = useState(false);
  const live = account.state !== "revoked" && account.state !== "expired";
  const rotate = () => call(`/${account.id}/rotate`, "POST").then((a) => { onKey(a); onChanged(); },
    (err) => onError(problem(err)));
  const revoke = () => call(`/${account.id}`, "DELETE").then(onChanged, (err) => onError(problem(err)));
  return h("tr", { className: "act-as-sa-row", "data-name": account.name },
    h("td", null, account.name, account.description ? h("div", { className: "pf-v5-u-color-200" }, account.description) : null),
    h("td", null, account.namespace || "realm"),
    h("td", null, actsAs(account)),
    h("td", null, account.clients.join(", ")),
    h("td", null, stateLabel(account)),
    h("td", null, account.expiresAt.slice(0, 10)),
    h("td", null, account.lastUsed ? account.lastUsed.slice(0, 16).replace("T", " ") : "never"),
    h("td", null, live ? [
      h("button", { key: "r", className: "pf-v5-c-button pf-m-secondary pf-m-small act-as-sa-rotate", onClick: rotate }, "Rotate"),
      confirming
        ? h("button", { key: "c", className: "pf-v5-c-button pf-m-danger pf-m-small act-as-sa-confirm", onClick: revoke }, "Confirm revoke")
        : h("button", { key: "d", className: "pf-v5-c-button pf-m-link pf-m-danger pf-m-small act-as-sa-revoke",
          onClick: () => setConfirming(true) }, "Revoke")] : null));
}

export default function ServiceAccounts() {
  const [accounts, setAccounts] = useState(null);
  const [forbidden, setForbidden] = useState(false);
  const [shown, setShown] = useState(null);
  const [error, setError] = useState(null);
  const [version, setVersion] = useState(0);
  const reload = () => setVersion(version + 1);
  useEffect(() => {
    call("?max=1000", "GET").then(setAccounts, (e) => (e.status === 403 ? setForbidden(true) : setError(problem(e))));
  }, [version]);

  const heading = h("h1", { className: "pf-v5-c-title pf-m-2xl", id: "act-as-sa-title" }, "Service accounts");
  const section = (...children) => h("section", { className: "pf-v5-c-page__main-section", id: "act-as-sa-page" },
    heading, ...children);
  if (forbidden) {
    return section(h("div", { className: "pf-v5-c-empty-state", id: "act-as-sa-none" },
      h("h2", { className: "pf-v5-c-title pf-m-lg" }, "You manage no service accounts"),
      h("p", null, "Service accounts of a namespace are managed by whoever may manage its group's members.")));
  }
  if (!accounts) return section(h("p", null, error || "Loading…"));
  const table = accounts.length === 0
    ? h("p", { id: "act-as-sa-empty" }, "No service accounts yet.")
    : h("table", { className: "pf-v5-c-table pf-m-compact", id: "act-as-sa-list", role: "grid" },
      h("thead", null, h("tr", null, ["Name", "Namespace", "Acts as", "Clients", "State", "Expires", "Last used", ""]
        .map((c, i) => h("th", { key: i, scope: "col" }, c)))),
      h("tbody", null, accounts.map((a) => h(Row, { key: a.id, account: a, onKey: setShown, onChanged: reload,
        onError: setError }))));
  return section(
    h("p", null, "Keys for jobs and services: each is shown once, expires, and can be rotated or revoked at any time."),
    error ? h("div", { className: "pf-v5-c-alert pf-m-danger", id: "act-as-sa-error" },
      h("p", { className: "pf-v5-c-alert__title" }, error)) : null,
    shown ? h(KeyOnce, { key: shown.key, shown, onDone: () => setShown(null) }) : null,
    table,
    h(CreateForm, { onCreated: (a) => { setError(null); setShown(a); reload(); }, onError: setError }));
}
