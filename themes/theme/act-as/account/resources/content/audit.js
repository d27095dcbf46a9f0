// Account console page "Act-As audit trail" (realm administrators): the records of every decision and session,
// newest first, filtered by actor, target, type and time, in pages (the admin API's /audit).
import { createElement as h, useState } from "react";
import { Empty, Field, Page, Pager, Table, TextInput, admin, useLoad, when } from "./act-as-ui.js";

const MAX = 20;
const TYPES = ["impersonation.started", "impersonation.denied", "impersonation.ended", "impersonation.revoked",
  "token.issued", "notification.failed", "grant.created", "grant.updated", "grant.deleted", "service-account.created",
  "service-account.rotated", "service-account.revoked", "service-account.expiring", "service-account.expired"];
const EMPTY = { actor: "", target: "", type: "", from: "", to: "" };

const party = (p) => (p ? p.username || p.id : "");

export default function Audit() {
  const [form, setForm] = useState(EMPTY);
  const [filter, setFilter] = useState(EMPTY);
  // Keyset pages: each starts after the last record of the one before (a deep page costs what the first does).
  const [cursors, setCursors] = useState([null]);
  const after = cursors[cursors.length - 1];
  const first = (cursors.length - 1) * MAX;
  const query = new URLSearchParams({ max: String(MAX + 1) });
  if (after) query.set("after", after);
  Object.entries(filter).forEach(([k, v]) => {
    if (v) query.set(k, k === "from" || k === "to" ? new Date(v).toISOString() : v);
  });
  const records = useLoad(() => admin(`/audit?${query}`), [JSON.stringify(filter), after]);
  const page = (...children) => h(Page, { id: "act-as-audit", title: "Act-As audit trail",
    intro: "Every decision, session and change, as delivered to the audit sinks." }, children);
  if (records.status === 403) return page(h(Empty, { id: "act-as-audit-forbidden", title: "Not available" }, records.error));
  const input = (key, label, props = {}) => h(Field, { id: `act-as-audit-${key}`, label },
    h(TextInput, { id: `act-as-audit-${key}`, value: form[key], onChange: (v) => setForm({ ...form, [key]: v }), ...props }));
  const rows = (records.data || []).slice(0, MAX);
  return page(
    h("form", { className: "pf-v5-c-form pf-m-horizontal", id: "act-as-audit-filter",
      onSubmit: (e) => { e.preventDefault(); setCursors([null]); setFilter({ ...form }); } },
      input("actor", "Actor", { placeholder: "username or id" }),
      input("target", "Target", { placeholder: "username, id or group path" }),
      h(Field, { id: "act-as-audit-type", label: "Type" },
        h("span", { className: "pf-v5-c-form-control" }, h("select", { id: "act-as-audit-type", value: form.type,
          onChange: (e) => setForm({ ...form, type: e.target.value }) },
          h("option", { value: "" }, "Any"), TYPES.map((t) => h("option", { key: t, value: t }, t))))),
      input("from", "From", { type: "datetime-local" }),
      input("to", "To", { type: "datetime-local" }),
      h("div", { className: "pf-v5-c-form__group pf-m-action" }, h("div", { className: "pf-v5-c-form__actions" },
        h("button", { className: "pf-v5-c-button pf-m-primary", type: "submit", id: "act-as-audit-apply" }, "Filter"),
        h("button", { className: "pf-v5-c-button pf-m-link", type: "button",
          onClick: () => { setForm(EMPTY); setCursors([null]); setFilter(EMPTY); } }, "Clear")))),
    !records.data ? h("p", null, records.error || "Loading…")
      : rows.length === 0 ? h(Empty, { id: "act-as-audit-empty", title: "No records" }, "Nothing matches these filters.")
        : h(Table, { id: "act-as-audit-table", label: "Audit records",
          columns: ["Time", "Type", "Actor", "Acting as", "Grant", "Client", "Reason", "Outcome"],
          rows: rows.map((r) => ({ key: r.id, attrs: { className: "act-as-audit-row", "data-type": r.type },
            cells: [when(r.time), r.type, party(r.initiatingUser),
              r.effectiveGroup ? `group ${r.effectiveGroup.path}` : party(r.effectiveUser), r.grant || "", r.client || "",
              r.reason || "", r.endReason ? `${r.outcome} (${r.endReason})` : r.error ? `${r.outcome}: ${r.error}` : r.outcome] })) }),
    records.data ? h(Pager, { id: "act-as-audit-pager", first, max: MAX, more: records.data.length > MAX,
      onPage: (to) => setCursors(to > first ? [...cursors, rows[rows.length - 1].id] : cursors.slice(0, -1)) }) : null);
}
