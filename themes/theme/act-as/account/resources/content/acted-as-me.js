// Account console page "Who acted as me", for everybody: every time someone (a person or a service) acted as the
// signed-in person, from the audit store: who, when, why, for how long and how it ended. The actor cannot hide it.
import { createElement as h, useState } from "react";
import { Empty, Page, Pager, Table, account, duration, useLoad, when } from "./act-as-ui.js";

const MAX = 20;
const MODES = { impersonate: "Impersonation", delegate: "On your behalf (delegation)" };

function ended(entry) {
  if (entry.running) return `Still acting, until ${when(entry.endsBy)} at the latest`;
  if (entry.ended) return `${entry.endedHow}, after ${duration(entry.seconds)}`;
  return entry.endedHow;
}

export default function ActedAsMe() {
  const [first, setFirst] = useState(0);
  const list = useLoad(() => account(`acted-as-me?first=${first}&max=${MAX}`), [first]);
  const page = (...children) => h(Page, { id: "act-as-acted-as-me", title: "Who acted as me",
    intro: "Everyone who acted as you in this realm, through an Act-As grant. If something here surprises you, tell your administrator." },
  children);
  if (list.error) return page(h(Empty, { id: "act-as-acted-as-me-error", title: "Not available" }, list.error));
  if (!list.data) return page(h("p", null, "Loading…"));
  if (list.data.entries.length === 0 && first === 0) {
    return page(h(Empty, { id: "act-as-acted-as-me-empty", title: "Nobody has acted as you" }));
  }
  return page(
    h(Table, { id: "act-as-acted-as-me-table", label: "Who acted as me",
      columns: ["Who", "When", "How", "Why", "Application", "Grant", "Ended"],
      rows: list.data.entries.map((e, i) => ({ key: `${e.started}-${i}`, attrs: { className: "act-as-acted-as-me-row", "data-actor": e.actor },
        cells: [e.actor, when(e.started), MODES[e.mode] || e.mode, e.reason || "none given", e.client || "", e.grant || "", ended(e)] })) }),
    h(Pager, { id: "act-as-acted-as-me-pager", first, max: MAX, more: list.data.more, onPage: setFirst }));
}
