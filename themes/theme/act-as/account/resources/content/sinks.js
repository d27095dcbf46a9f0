// Account console page "Audit sinks" (realm administrators): where the audit trail is delivered, and how delivery
// stands (pending records, failures, the last error), from the admin API's /audit/status.
import { createElement as h } from "react";
import { Empty, Label, Page, Table, admin, useLoad, when } from "./act-as-ui.js";

function state(sink) {
  if (sink.configError) return h(Label, { color: "red" }, `Misconfigured: ${sink.configError}`);
  if (!sink.enabled) return h(Label, null, "Disabled");
  if (sink.consecutiveFailures > 0) return h(Label, { color: "red" }, `Failing (${sink.consecutiveFailures} in a row)`);
  if (sink.pending > 0) return h(Label, { color: "orange" }, "Catching up");
  return h(Label, { color: "green" }, "Delivering");
}

export default function Sinks() {
  const status = useLoad(() => admin("/audit/status"), []);
  const page = (...children) => h(Page, { id: "act-as-sinks", title: "Audit sinks",
    intro: "Every audit record goes to each enabled sink at least once. Sinks are configured in the admin API (docs/audit.md)." }, children);
  if (status.status === 403) return page(h(Empty, { id: "act-as-sinks-forbidden", title: "Not available" }, status.error));
  if (!status.data) return page(h("p", null, status.error || "Loading…"));
  if (status.data.length === 0) return page(h(Empty, { id: "act-as-sinks-empty", title: "No sinks" },
    "Records are kept in Keycloak's database and shown in the audit trail; add a log or webhook sink to send them out."));
  return page(h(Table, { id: "act-as-sinks-table", label: "Audit sinks",
    columns: ["Sink", "Type", "State", "Pending", "Delivered", "Failures", "Last delivery", "Last error"],
    rows: status.data.map((s) => ({ key: s.id, attrs: { className: "act-as-sink-row", "data-name": s.name },
      cells: [s.name, s.type || "", state(s), String(s.pending), String(s.delivered), String(s.failures),
        when(s.lastSuccess), s.lastError ? `${s.lastError} (${when(s.lastErrorTime)})` : ""] })) }));
}
