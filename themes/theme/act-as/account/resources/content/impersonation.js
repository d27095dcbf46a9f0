// Account console page "Impersonation": whom the signed-in person may act as (people, and groups), from the
// Act-As policy. A plain ES module (React comes from the console's import map); data from
// /realms/{realm}/act-as/targets and /groups, which answer from the browser's Keycloak session and list only
// what the person's grants allow.
import { createElement as h, useEffect, useState } from "react";

const PAGE = 10;
const environment = JSON.parse(document.getElementById("environment").textContent);
const base = `${environment.serverBaseUrl}/realms/${encodeURIComponent(environment.realm)}/act-as/`;

function displayName(target) {
  const name = [target.firstName, target.lastName].filter(Boolean).join(" ");
  return name ? `${target.username} (${name})` : target.username;
}

function duration(seconds) {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

// One column per limit the grant sets on acting.
const LIMIT_COLUMNS = ["Longest", "Reason", "Second factor"];
function limits(row) {
  return [duration(row.maxDurationSeconds), row.requireReason ? "required" : "optional", row.requireAcr ? "required" : "no"];
}

// The two lists differ only in what they list and how a row reads.
const KINDS = {
  targets: {
    id: "act-as", title: "People", placeholder: "Search users", noun: "Nobody",
    columns: ["User", "Email", "Grant", ...LIMIT_COLUMNS, ""],
    key: (t) => t.id, name: (t) => t.username,
    cells: (t) => [displayName(t), t.email || ""],
    start: (t) => `${base}start?act_as=${encodeURIComponent(t.username)}`,
  },
  groups: {
    id: "act-as-groups", title: "Groups", placeholder: "Search groups", noun: "No group",
    columns: ["Group", "Grant", ...LIMIT_COLUMNS, ""],
    key: (g) => g.id, name: (g) => g.path,
    cells: (g) => [g.path],
    start: (g) => `${base}start?act_as_group=${encodeURIComponent(g.path)}`,
  },
};

// Pages by cursor: the server hands out where the next page starts ("next"), so a later page does not decide
// again everyone listed before it; the cursors of the pages seen so far make "Previous".
function useList(kind) {
  const [query, setQuery] = useState("");
  const [cursors, setCursors] = useState([0]);
  const [page, setPage] = useState(null);
  const [error, setError] = useState(null);
  const after = cursors[cursors.length - 1];
  useEffect(() => {
    const params = new URLSearchParams({ after: String(after), max: String(PAGE) });
    if (query) params.set("search", query);
    fetch(`${base}${kind}?${params}`, { credentials: "same-origin", cache: "no-store" })
      .then((r) => r.json().then((body) => (r.ok ? body : Promise.reject(body.error_description || r.statusText))))
      .then(setPage, (e) => setError(String(e)));
  }, [kind, query, after]);
  const search = (q) => { setCursors([0]); setQuery(q); };
  const next = () => page && page.next != null && setCursors([...cursors, page.next]);
  const previous = () => setCursors(cursors.length > 1 ? cursors.slice(0, -1) : cursors);
  return { query, search, atStart: cursors.length === 1, next, previous, page, error };
}

function List({ kind, list }) {
  const k = KINDS[kind];
  const [search, setSearch] = useState("");
  const { query, page } = list;
  const rows = page[kind];
  const form = h("form", {
      id: `${k.id}-search`, className: "pf-v5-c-toolbar",
      onSubmit: (e) => { e.preventDefault(); list.search(search.trim()); } },
    h("input", { className: "pf-v5-c-form-control", id: `${k.id}-search-input`, type: "search",
      "aria-label": k.placeholder, placeholder: k.placeholder, value: search,
      onChange: (e) => setSearch(e.target.value) }),
    h("button", { className: "pf-v5-c-button pf-m-control", type: "submit" }, "Search"));
  const table = rows.length === 0
    ? h("p", { id: `${k.id}-none` }, query ? `${k.noun} you may act as matches this search.` : `${k.noun} to list.`)
    : h("table", { className: "pf-v5-c-table pf-m-compact", id: kind === "targets" ? "act-as-targets" : "act-as-groups-table", role: "grid" },
        h("thead", null, h("tr", null, k.columns.map((c, i) => h("th", { key: i, scope: "col" }, c)))),
        h("tbody", null, rows.map((row) => h("tr", {
            key: k.key(row), className: kind === "targets" ? "act-as-row" : "act-as-group-row", "data-name": k.name(row),
            "data-username": kind === "targets" ? row.username : undefined },
          ...k.cells(row).map((c, i) => h("td", { key: i }, c)),
          h("td", null, row.grant),
          ...limits(row).map((c, i) => h("td", { key: `limit-${i}`, "data-label": LIMIT_COLUMNS[i] }, c)),
          h("td", null, h("a", { className: "pf-v5-c-button pf-m-primary pf-m-small act-as-start",
            href: k.start(row) }, "Act as"))))));
  const pager = h("div", { className: "pf-v5-c-pagination", id: `${k.id}-pager` },
    h("button", { className: "pf-v5-c-button pf-m-plain", disabled: list.atStart,
      onClick: list.previous, id: `${k.id}-previous` }, "‹ Previous"),
    h("button", { className: "pf-v5-c-button pf-m-plain", disabled: !page.more,
      onClick: list.next, id: `${k.id}-next` }, "Next ›"));
  return h("div", { id: `${k.id}-list` }, h("h2", { className: "pf-v5-c-title pf-m-lg" }, k.title), form, table, pager);
}

export default function Impersonation() {
  const people = useList("targets");
  const groups = useList("groups");
  const [status, setStatus] = useState(null);
  useEffect(() => {
    fetch(`${base}status`, { credentials: "same-origin", cache: "no-store" })
      .then((r) => (r.ok ? r.json() : null)).then(setStatus, () => setStatus(null));
  }, []);

  const heading = h("h1", { className: "pf-v5-c-title pf-m-2xl", id: "act-as-title" }, "Impersonation");
  const section = (...children) =>
    h("section", { className: "pf-v5-c-page__main-section", id: "act-as-page" }, heading, ...children);

  const error = people.error || groups.error;
  if (error) return section(h("p", { id: "act-as-error", className: "pf-v5-c-helper-text" }, error));
  if (!people.page || !groups.page) return section(h("p", null, "Loading…"));
  if (status && status.acting) {
    // Acting already: nobody is listed (no chains); say why instead of "no grants".
    return section(h("div", { className: "pf-v5-c-empty-state", id: "act-as-acting" },
      h("div", { className: "pf-v5-c-empty-state__content" },
        h("h2", { className: "pf-v5-c-title pf-m-lg" }, `You are acting as ${status.username}`),
        h("div", { className: "pf-v5-c-empty-state__body" },
          `Signed in as ${status.actor}. Stop acting (the banner's Stop) to act as someone else.`))));
  }
  if (!people.page.holdsGrants && !groups.page.holdsGrants) {
    return section(h("div", { className: "pf-v5-c-empty-state", id: "act-as-empty" },
      h("h2", { className: "pf-v5-c-title pf-m-lg" }, "You hold no impersonation grants"),
      h("p", null, "Nobody has allowed you to act as other users or groups in this realm.")));
  }
  return section(
    h("p", null, "People and groups your grants allow you to act as. Acting is recorded and time-limited."),
    people.page.holdsGrants ? h(List, { kind: "targets", list: people }) : null,
    groups.page.holdsGrants ? h(List, { kind: "groups", list: groups }) : null);
}
