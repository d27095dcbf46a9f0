// The tabs that join the Act-As pages of the account console. Keycloak 26's console lists one content page per
// menu entry, so Act-As has one entry ("Impersonation") and these tabs lead to its other page.
import { createElement as h } from "react";

const environment = JSON.parse(document.getElementById("environment").textContent);
const account = `${environment.serverBaseUrl}/realms/${encodeURIComponent(environment.realm)}/account/content/`;

const PAGES = [["impersonation", "Act as someone"], ["service-accounts", "Service accounts"]];

export default function ActAsTabs({ active }) {
  return h("div", { className: "pf-v5-c-tabs", id: "act-as-tabs" },
    h("ul", { className: "pf-v5-c-tabs__list", role: "tablist" }, PAGES.map(([page, label]) =>
      h("li", { key: page, className: `pf-v5-c-tabs__item${page === active ? " pf-m-current" : ""}`, role: "presentation" },
        h("a", { className: "pf-v5-c-tabs__link", id: `act-as-tab-${page}`, href: account + page, role: "tab",
          "aria-selected": page === active },
          h("span", { className: "pf-v5-c-tabs__item-text" }, label))))));
}
