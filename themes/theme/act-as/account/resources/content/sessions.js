// Account console page "Live acting sessions" (realm administrators): who acts as whom right now, through the
// admin API as the signed-in person; end one, or every session of an actor.
import { createElement as h, useState } from "react";
import { Alert, Button, Empty, Page, Pager, Table, TextInput, admin, problem, useLoad, when } from "./act-as-ui.js";

const MAX = 20;
const cursorOf = (s) => `${Math.floor(Date.parse(s.started) / 1000)}:${s.id}`;

export default function Sessions() {
  const [actor, setActor] = useState("");
  const [filter, setFilter] = useState("");
  // Keyset pages: each starts after the last session of the one before, `<started>:<id>` (api.md, paging).
  const [cursors, setCursors] = useState([null]);
  const after = cursors[cursors.length - 1];
  const first = (cursors.length - 1) * MAX;
  const [version, setVersion] = useState(0);
  const [message, setMessage] = useState(null);
  const [failure, setFailure] = useState(null);
  const query = new URLSearchParams({ max: String(MAX + 1) });
  if (after) query.set("after", after);
  if (filter) query.set("actor", filter);
  const sessions = useLoad(() => admin(`/sessions?${query}`), [filter, after, version]);
  const reload = () => setVersion(version + 1);
  const page = (...children) => h(Page, { id: "act-as-sessions", title: "Live acting sessions",
    intro: "Acting under way in this realm. Ending a session signs the acting out everywhere and is recorded." }, children);
  if (sessions.status === 403) return page(h(Empty, { id: "act-as-sessions-forbidden", title: "Not available" }, sessions.error));
  const end = (s) => admin(`/sessions/${s.id}`, "DELETE").then(() => { setMessage(`Ended ${s.actor.username} acting as ${
    s.target ? s.target.username : s.group.path}`); reload(); }, (e) => setFailure(problem(e)));
  const endAll = () => admin(`/sessions?actor=${encodeURIComponent(filter)}`, "DELETE")
    .then((r) => { setMessage(`Ended ${r.ended} session${r.ended === 1 ? "" : "s"} of ${filter}`); reload(); }, (e) => setFailure(problem(e)));
  const rows = (sessions.data || []).slice(0, MAX);
  return page(
    message ? h(Alert, { id: "act-as-sessions-message", variant: "success", title: message }) : null,
    failure ? h(Alert, { id: "act-as-sessions-error", title: failure }) : null,
    h("form", { className: "pf-v5-c-toolbar", id: "act-as-sessions-filter",
      onSubmit: (e) => { e.preventDefault(); setCursors([null]); setMessage(null); setFilter(actor.trim()); } },
      h("div", { className: "pf-v5-c-toolbar__content" }, h("div", { className: "pf-v5-c-toolbar__content-section" },
        h("div", { className: "pf-v5-c-toolbar__item" }, h(TextInput, { id: "act-as-sessions-actor", value: actor,
          onChange: setActor, placeholder: "Actor (username or id)", "aria-label": "Actor", type: "search" })),
        h("div", { className: "pf-v5-c-toolbar__item" }, h("button", { className: "pf-v5-c-button pf-m-control", type: "submit" }, "Filter")),
        filter ? h("div", { className: "pf-v5-c-toolbar__item" },
          h(Button, { variant: "danger", id: "act-as-sessions-end-all", onClick: endAll }, `End all of ${filter}`)) : null))),
    !sessions.data ? h("p", null, sessions.error || "Loading…")
      : rows.length === 0 ? h(Empty, { id: "act-as-sessions-empty", title: "Nobody is acting" }, filter ? `No session of ${filter}.` : null)
        : h(Table, { id: "act-as-sessions-table", label: "Live acting sessions",
          columns: ["Actor", "Acting as", "Mode", "Grant", "Client", "Reason", "Started", "Ends by", ""],
          rows: rows.map((s) => ({ key: s.id, attrs: { className: "act-as-session-row", "data-actor": s.actor.username, "data-id": s.id },
            cells: [s.actor.username, s.target ? s.target.username : `group ${s.group.path}`, s.mode, s.grant, s.client,
              s.reason || "", when(s.started), when(s.expires),
              h(Button, { small: true, variant: "danger", className: "act-as-session-end", onClick: () => end(s) }, "End")] })) }),
    sessions.data ? h(Pager, { id: "act-as-sessions-pager", first, max: MAX, more: sessions.data.length > MAX,
      onPage: (to) => setCursors(to > first ? [...cursors, cursorOf(rows[rows.length - 1])] : cursors.slice(0, -1)) }) : null);
}
