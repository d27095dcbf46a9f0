// What the Act-As pages of the account console share: the endpoints, and PatternFly 5 building blocks made of the
// console's own CSS classes (the console loads PatternFly's CSS; its React components are not shared with
// modules), so the pages look like the console's, follow its dark theme and work with the keyboard.
import { createElement as h, useEffect, useState } from "react";

const environment = JSON.parse(document.getElementById("environment").textContent);
const realmUrl = `${environment.serverBaseUrl}/realms/${encodeURIComponent(environment.realm)}`;

/** The account endpoints of the browser door (whom I may act as, who acted as me). */
export const accountApi = `${realmUrl}/act-as/`;

/** A call to the Act-As admin API as the signed-in person; rejects with { status, body }. */
export function admin(path, method = "GET", body) {
  const headers = { "X-Act-As-Console": "1" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  return fetch(`${realmUrl}/act-as-admin${path}`, { method, headers, credentials: "same-origin", cache: "no-store",
    body: body === undefined ? undefined : JSON.stringify(body) })
    .then((r) => (r.status === 204 ? {} : r.json().catch(() => ({}))
      .then((b) => (r.ok ? b : Promise.reject({ status: r.status, body: b })))));
}

/** A call to the account endpoints (same origin, the browser's session). */
export function account(path) {
  return fetch(accountApi + path, { credentials: "same-origin", cache: "no-store" })
    .then((r) => r.json().then((b) => (r.ok ? b : Promise.reject({ status: r.status, body: b }))));
}

/** The words of an error answer. */
export function problem(e) {
  return (e && e.body && (e.body.errorMessage || e.body.error_description || e.body.error)) || String(e && e.message || e);
}

/** Loads once per `deps` change: { data, error, status }. */
export function useLoad(load, deps) {
  const [state, setState] = useState({ data: null, error: null, status: 0 });
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, error: null }));
    load().then((data) => live && setState({ data, error: null, status: 200 }),
      (e) => live && setState({ data: null, error: problem(e), status: e && e.status || 0 }));
    return () => { live = false; };
  }, deps);
  return state;
}

export function Page({ id, title, intro, children }) {
  return h("section", { className: "pf-v5-c-page__main-section", id },
    h("div", { className: "pf-v5-c-content" },
      h("h1", { className: "pf-v5-c-title pf-m-2xl", id: `${id}-title` }, title),
      intro ? h("p", null, intro) : null),
    ...[].concat(children));
}

export function Alert({ id, variant = "danger", title, children }) {
  return h("div", { className: `pf-v5-c-alert pf-m-${variant} pf-m-inline`, id, role: variant === "danger" ? "alert" : "status" },
    h("p", { className: "pf-v5-c-alert__title" }, title),
    children ? h("div", { className: "pf-v5-c-alert__description" }, children) : null);
}

export function Empty({ id, title, children }) {
  return h("div", { className: "pf-v5-c-empty-state", id },
    h("div", { className: "pf-v5-c-empty-state__content" },
      h("h2", { className: "pf-v5-c-title pf-m-lg" }, title),
      children ? h("div", { className: "pf-v5-c-empty-state__body" }, children) : null));
}

export function Button({ variant = "secondary", small, ...props }) {
  return h("button", { type: "button", ...props,
    className: `pf-v5-c-button pf-m-${variant}${small ? " pf-m-small" : ""} ${props.className || ""}` }, props.children);
}

/** A table: columns are labels, rows are { key, cells, attrs }. */
export function Table({ id, columns, rows, label }) {
  return h("table", { className: "pf-v5-c-table pf-m-compact pf-m-grid-md", id, role: "grid", "aria-label": label },
    h("thead", null, h("tr", null, columns.map((c, i) => h("th", { key: i, scope: "col" }, c)))),
    h("tbody", null, rows.map((row) => h("tr", { key: row.key, ...row.attrs },
      row.cells.map((c, i) => h("td", { key: i, "data-label": columns[i] }, c))))));
}

/** Previous / next paging over { first, max } with `more` telling whether a next page exists. */
export function Pager({ id, first, max, more, onPage }) {
  return h("div", { className: "pf-v5-c-pagination pf-m-bottom", id },
    h("span", { className: "pf-v5-c-pagination__total-items" }, more || first > 0 ? `${first + 1} – ${first + max}` : ""),
    h("nav", { className: "pf-v5-c-pagination__nav", "aria-label": "Pagination" },
      h(Button, { variant: "plain", disabled: first === 0, id: `${id}-previous`, "aria-label": "Previous page",
        onClick: () => onPage(Math.max(0, first - max)) }, "‹ Previous"),
      h(Button, { variant: "plain", disabled: !more, id: `${id}-next`, "aria-label": "Next page",
        onClick: () => onPage(first + max) }, "Next ›")));
}

/** A labelled form control with its helper text and its field error (from the API's { field, errorMessage }). */
export function Field({ id, label, help, error, children }) {
  return h("div", { className: "pf-v5-c-form__group" },
    h("div", { className: "pf-v5-c-form__group-label" },
      h("label", { className: "pf-v5-c-form__label", htmlFor: id }, h("span", { className: "pf-v5-c-form__label-text" }, label))),
    h("div", { className: "pf-v5-c-form__group-control" }, children,
      error || help ? h("div", { className: "pf-v5-c-helper-text" },
        h("div", { className: `pf-v5-c-helper-text__item${error ? " pf-m-error" : ""}`, id: `${id}-helper` },
          h("span", { className: "pf-v5-c-helper-text__item-text" }, error || help))) : null));
}

export function TextInput({ id, value, onChange, invalid, ...props }) {
  return h("span", { className: `pf-v5-c-form-control${invalid ? " pf-m-error" : ""}` },
    h("input", { id, value, "aria-invalid": invalid ? "true" : "false", "aria-describedby": `${id}-helper`, ...props,
      onChange: (e) => onChange(e.target.value) }));
}

export function Check({ id, label, checked, onChange }) {
  return h("div", { className: "pf-v5-c-check" },
    h("input", { className: "pf-v5-c-check__input", type: "checkbox", id, checked, onChange: (e) => onChange(e.target.checked) }),
    h("label", { className: "pf-v5-c-check__label", htmlFor: id }, label));
}

/**
 * A comma-separated list of names with suggestions from the realm (roles, groups or clients): an input bound to a
 * datalist the lookup endpoint fills as one types.
 */
export function Picker({ id, kind, value, onChange, invalid, placeholder }) {
  const [options, setOptions] = useState([]);
  const last = value.split(",").pop().trim();
  useEffect(() => {
    if (!kind) return undefined;
    const timer = setTimeout(() => admin(`/lookup/${kind}?search=${encodeURIComponent(last)}`)
      .then(setOptions, () => setOptions([])), 200);
    return () => clearTimeout(timer);
  }, [kind, last]);
  const head = value.includes(",") ? value.slice(0, value.lastIndexOf(",") + 1) + " " : "";
  return h("span", { className: `pf-v5-c-form-control${invalid ? " pf-m-error" : ""}` },
    h("input", { id, value, list: kind ? `${id}-options` : undefined, placeholder, autoComplete: "off",
      "aria-describedby": `${id}-helper`,
      "aria-invalid": invalid ? "true" : "false", onChange: (e) => onChange(e.target.value) }),
    kind ? h("datalist", { id: `${id}-options` }, options.map((o) => h("option", { key: o, value: head + o }))) : null);
}

/** "a, b" ⇄ ["a", "b"] */
export const list = (text) => text.split(",").map((s) => s.trim()).filter(Boolean);
export const joined = (values) => (values || []).join(", ");

export function when(iso) {
  return iso ? iso.slice(0, 19).replace("T", " ") + " UTC" : "";
}

export function duration(seconds) {
  if (seconds == null) return "";
  if (seconds >= 3600 && seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds >= 60) return `${Math.round(seconds / 60)} min`;
  return `${seconds} s`;
}

export function Label({ color = "grey", children, id }) {
  return h("span", { className: "pf-v5-c-helper-text__item " + ({ green: "pf-m-success", red: "pf-m-error",
    orange: "pf-m-warning", grey: "pf-m-indeterminate" }[color] || ""), id },
    h("span", { className: "pf-v5-c-helper-text__item-text" }, children));
}
