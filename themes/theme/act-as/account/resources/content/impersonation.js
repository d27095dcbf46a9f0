// Account console page "Impersonation": whom the signed-in person may act as, from the Act-As policy.
// A plain ES module (React comes from the console's import map); data from /realms/{realm}/act-as/targets,
// which answers from the browser's Keycloak session and lists only people the person's grants allow.
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

export default function Impersonation() {
  const [search, setSearch] = useState("");
  const [query, setQuery] = useState("");
  const [first, setFirst] = useState(0);
  const [page, setPage] = useState(null);
  const [error, setError] = useState(null);

  useEffect(() => {
    const params = new URLSearchParams({ first: String(first), max: String(PAGE) });
    if (query) params.set("search", query);
    fetch(`${base}targets?${params}`, { credentials: "same-origin", cache: "no-store" })
      .then((r) => r.json().then((body) => (r.ok ? body : Promise.reject(body.error_description || r.statusText))))
      .then(setPage, (e) => setError(String(e)));
  }, [query, first]);

  const heading = h("h1", { className: "pf-v5-c-title pf-m-2xl", id: "act-as-title" }, "Impersonation");
  const section = (...children) =>
    h("section", { className: "pf-v5-c-page__main-section", id: "act-as-page" }, heading, ...children);

  if (error) return section(h("p", { id: "act-as-error", className: "pf-v5-c-helper-text" }, error));
  if (!page) return section(h("p", null, "Loading…"));
  if (!page.holdsGrants) {
    return section(h("div", { className: "pf-v5-c-empty-state", id: "act-as-empty" },
      h("h2", { className: "pf-v5-c-title pf-m-lg" }, "You hold no impersonation grants"),
      h("p", null, "Nobody has allowed you to act as other users in this realm.")));
  }

  const form = h("form", {
      id: "act-as-search", className: "pf-v5-c-toolbar",
      onSubmit: (e) => { e.preventDefault(); setFirst(0); setQuery(search.trim()); } },
    h("input", { className: "pf-v5-c-form-control", id: "act-as-search-input", type: "search",
      placeholder: "Search users", value: search, onChange: (e) => setSearch(e.target.value) }),
    h("button", { className: "pf-v5-c-button pf-m-control", type: "submit" }, "Search"));

  const rows = page.targets.map((t) => h("tr", { key: t.id, className: "act-as-row", "data-username": t.username },
    h("td", null, displayName(t)),
    h("td", null, t.email || ""),
    h("td", null, t.grant),
    h("td", null, duration(t.maxDurationSeconds)
      + (t.requireReason ? " · reason required" : "") + (t.requireAcr ? " · second factor" : "")),
    h("td", null, h("a", { className: "pf-v5-c-button pf-m-primary pf-m-small act-as-start",
      href: `${base}start?act_as=${encodeURIComponent(t.username)}` }, "Act as"))));

  const table = page.targets.length === 0
    ? h("p", { id: "act-as-none" }, query ? "Nobody you may act as matches this search." : "Nobody to list.")
    : h("table", { className: "pf-v5-c-table pf-m-compact", id: "act-as-targets", role: "grid" },
        h("thead", null, h("tr", null, ["User", "Email", "Grant", "Limits", ""].map((c) => h("th", { key: c }, c)))),
        h("tbody", null, rows));

  const pager = h("div", { className: "pf-v5-c-pagination", id: "act-as-pager" },
    h("button", { className: "pf-v5-c-button pf-m-plain", disabled: first === 0,
      onClick: () => setFirst(Math.max(0, first - PAGE)) }, "‹ Previous"),
    h("button", { className: "pf-v5-c-button pf-m-plain", disabled: !page.more,
      onClick: () => setFirst(first + PAGE), id: "act-as-next" }, "Next ›"));

  return section(h("p", null, "People your grants allow you to act as. Acting is recorded and time-limited."),
    form, table, pager);
}
