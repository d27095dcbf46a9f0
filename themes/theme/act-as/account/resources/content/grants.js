// Account console page "Act-As grants" (realm administrators): list, create, edit, enable or disable and delete
// grants through the admin API (/realms/{realm}/act-as-admin/grants, with the person's own admin rights, so the
// API's validation and field errors are the ones shown), and set the realm's browser sign-in up for acting.
import { createElement as h, useState } from "react";
import { Alert, Button, Check, Empty, Field, Page, Pager, Picker, Table, TextInput, admin, duration, joined, list, problem,
  useLoad } from "./act-as-ui.js";
import BrowserSetup from "./browser-setup.js";

const MAX = 50;
const MODES = [["impersonate", "Impersonate a user"], ["delegate", "Delegation by a service"], ["group", "Act as a group"]];

// The form's fields, in the API's names (errors name them so), with how each is edited.
const LISTS = [
  ["actors.users", "Actors: users", "Usernames or ids; * and ? globs", null],
  ["actors.groups", "Actors: groups", "Members of these groups (and their subgroups)", "groups"],
  ["actors.roles", "Actors: roles", "Holders of these roles (realm roles, or clientId/role)", "roles"],
  ["actors.clients", "Actors: clients", "Clients whose service account acts", "clients"],
  ["actors.serviceAccounts", "Actors: Act-As service accounts", "Names; * and ? globs", null],
  ["targets.users", "Targets: users", "Usernames; * and ? globs", null],
  ["targets.groups", "Targets: groups", "Members of these groups, or the groups themselves in group mode", "groups"],
  ["targets.roles", "Targets: roles", "Holders of these roles", "roles"],
  ["targets.exclude.users", "Never: users", "These users are never targets", null],
  ["targets.exclude.groups", "Never: groups", "Members of these groups are never targets", "groups"],
  ["targets.exclude.roles", "Never: roles", "Holders of these roles are never targets", "roles"],
  ["clients", "For clients", "Applications the acting is for; * for any", "clients"],
];

const get = (grant, path) => path.split(".").reduce((o, k) => (o == null ? undefined : o[k]), grant);

function toForm(grant) {
  const form = {
    name: grant.name || "", description: grant.description || "", enabled: grant.enabled !== false,
    modes: grant.modes || ["impersonate"], maxDurationSeconds: grant.maxDurationSeconds == null ? "" : String(grant.maxDurationSeconds),
    requireReason: !!grant.requireReason, reasonPattern: grant.reasonPattern || "", reasonHint: grant.reasonHint || "",
    requireAcr: grant.requireAcr || "", notifyTarget: !!grant.notifyTarget, allowPrivilegedTargets: !!grant.allowPrivilegedTargets,
    notBefore: grant.notBefore || "", notAfter: grant.notAfter || "", trustActorUsernames: !!grant.trustActorUsernames,
  };
  LISTS.forEach(([path]) => { form[path] = joined(get(grant, path)); });
  return form;
}

function toGrant(form) {
  const text = (v) => (v.trim() ? v.trim() : null);
  return {
    name: form.name.trim(), description: text(form.description), enabled: form.enabled,
    actors: { users: list(form["actors.users"]), groups: list(form["actors.groups"]), roles: list(form["actors.roles"]),
      clients: list(form["actors.clients"]), serviceAccounts: list(form["actors.serviceAccounts"]) },
    targets: { users: list(form["targets.users"]), groups: list(form["targets.groups"]), roles: list(form["targets.roles"]),
      exclude: { users: list(form["targets.exclude.users"]), groups: list(form["targets.exclude.groups"]),
        roles: list(form["targets.exclude.roles"]) } },
    modes: form.modes, clients: list(form.clients),
    maxDurationSeconds: form.maxDurationSeconds.trim() ? Number(form.maxDurationSeconds) : null,
    requireReason: form.requireReason, reasonPattern: text(form.reasonPattern), reasonHint: text(form.reasonHint),
    requireAcr: text(form.requireAcr), notifyTarget: form.notifyTarget, allowPrivilegedTargets: form.allowPrivilegedTargets,
    notBefore: text(form.notBefore), notAfter: text(form.notAfter), trustActorUsernames: form.trustActorUsernames,
  };
}

function GrantForm({ grant, onSaved, onCancel }) {
  const [form, setForm] = useState(toForm(grant || { clients: ["*"] }));
  const [errors, setErrors] = useState({});
  const [failure, setFailure] = useState(null);
  const set = (key) => (value) => setForm({ ...form, [key]: value });
  const id = (key) => `act-as-grant-${key.replace(/\./g, "-")}`;
  const text = (key, label, help, props = {}) => h(Field, { id: id(key), label, help, error: errors[key] },
    h(TextInput, { id: id(key), value: form[key], onChange: set(key), invalid: !!errors[key], ...props }));
  const check = (key, label) => h(Check, { id: id(key), label, checked: form[key], onChange: set(key) });
  const submit = (e) => {
    e.preventDefault();
    setErrors({});
    setFailure(null);
    const saving = grant ? admin(`/grants/${grant.id}`, "PUT", toGrant(form)) : admin("/grants", "POST", toGrant(form));
    saving.then(onSaved, (err) => {
      const field = err.body && err.body.field && err.body.field.replace(/^grants\[0\]\./, "");
      if (field) {
        setErrors({ [field]: problem(err) });
        // Keyboard and screen-reader users land on the field to fix (its error is its description).
        setTimeout(() => { const input = document.getElementById(id(field)); if (input) input.focus(); }, 0);
      }
      setFailure(problem(err));
    });
  };
  return h("form", { className: "pf-v5-c-form pf-m-horizontal", id: "act-as-grant-form", onSubmit: submit, noValidate: true },
    h("h2", { className: "pf-v5-c-title pf-m-lg" }, grant ? `Edit grant ${grant.name}` : "New grant"),
    failure ? h(Alert, { id: "act-as-grant-form-error", title: failure }) : null,
    text("name", "Name", "Letters, digits, . _ -", { required: true, disabled: !!grant }),
    text("description", "Description"),
    check("enabled", "Enabled"),
    ...LISTS.map(([key, label, help, kind]) => h(Field, { key, id: id(key), label, help, error: errors[key] },
      h(Picker, { id: id(key), kind, value: form[key], onChange: set(key), invalid: !!errors[key] }))),
    h(Field, { id: id("modes"), label: "Modes", error: errors.modes },
      h("div", { id: id("modes") }, MODES.map(([mode, label]) => h(Check, { key: mode, id: `${id("modes")}-${mode}`, label,
        checked: form.modes.includes(mode),
        onChange: (on) => set("modes")(on ? [...form.modes, mode] : form.modes.filter((m) => m !== mode)) })))),
    text("maxDurationSeconds", "Longest acting (seconds)", "Empty: the server's default", { type: "number", min: 1 }),
    check("requireReason", "Require a reason"),
    text("reasonPattern", "Reason pattern", "A regular expression (RE2) the reason must match"),
    text("reasonHint", "Reason hint", "What a good reason looks like, shown to the actor (T-1234)"),
    text("requireAcr", "Minimum authentication level", "A number, or a name from the realm's ACR to LoA mapping"),
    check("notifyTarget", "Tell the target by email"),
    check("allowPrivilegedTargets", "Allow targets with admin roles"),
    text("notBefore", "Not before", "ISO-8601 instant, e.g. 2027-01-01T00:00:00Z"),
    text("notAfter", "Not after", "ISO-8601 instant"),
    check("trustActorUsernames", "Trust actor usernames in realms where people choose them"),
    h("div", { className: "pf-v5-c-form__group pf-m-action" },
      h("div", { className: "pf-v5-c-form__actions" },
        h("button", { className: "pf-v5-c-button pf-m-primary", type: "submit", id: "act-as-grant-save" }, grant ? "Save" : "Create"),
        h(Button, { variant: "link", id: "act-as-grant-cancel", onClick: onCancel }, "Cancel"))));
}

function who(selector) {
  const parts = [];
  if (selector.users && selector.users.length) parts.push(joined(selector.users));
  if (selector.groups && selector.groups.length) parts.push(`groups ${joined(selector.groups)}`);
  if (selector.roles && selector.roles.length) parts.push(`roles ${joined(selector.roles)}`);
  if (selector.clients && selector.clients.length) parts.push(`clients ${joined(selector.clients)}`);
  if (selector.serviceAccounts && selector.serviceAccounts.length) parts.push(`service accounts ${joined(selector.serviceAccounts)}`);
  return parts.join("; ") || "nobody";
}

export default function Grants() {
  const [version, setVersion] = useState(0);
  const [editing, setEditing] = useState(undefined); // undefined: list; null: new; a grant: edit
  const [confirming, setConfirming] = useState(null);
  const [message, setMessage] = useState(null);
  const [failure, setFailure] = useState(null);
  const [first, setFirst] = useState(0);
  const access = useLoad(() => admin("/access"), []);
  const page = useLoad(() => admin(`/grants?first=${first}&max=${MAX + 1}`), [version, first]);
  const grants = { ...page, data: page.data && page.data.slice(0, MAX) };
  const reload = () => setVersion(version + 1);
  const canWrite = access.data && access.data.manageGrants;
  const section = (...children) => h(Page, { id: "act-as-grants", title: "Act-As grants",
    intro: "Who may act as whom, how and for which applications. Every change is validated as in the admin API." }, children);

  if (grants.status === 403 || access.error) return section(h(Empty, { id: "act-as-grants-forbidden", title: "Not available" },
    grants.error || access.error));
  if (!grants.data || !access.data) return section(h("p", null, grants.error || "Loading…"));
  if (editing !== undefined) {
    return section(h(GrantForm, { grant: editing, onCancel: () => setEditing(undefined),
      onSaved: () => { setMessage(editing ? `Grant ${editing.name} saved` : "Grant created"); setEditing(undefined); reload(); } }));
  }
  const toggle = (grant) => admin(`/grants/${grant.id}`, "PUT", { ...grant, id: undefined, enabled: !grant.enabled })
    .then(() => { setMessage(`Grant ${grant.name} ${grant.enabled ? "disabled" : "enabled"}`); reload(); }, (e) => setFailure(problem(e)));
  const remove = (grant) => admin(`/grants/${grant.id}`, "DELETE")
    .then(() => { setConfirming(null); setMessage(`Grant ${grant.name} deleted`); reload(); }, (e) => setFailure(problem(e)));
  const rows = grants.data.map((g) => ({
    key: g.id, attrs: { className: "act-as-grant-row", "data-name": g.name },
    cells: [
      h("span", null, h("strong", null, g.name), g.description ? h("div", { className: "pf-v5-u-color-200" }, g.description) : null),
      g.enabled ? "Enabled" : "Disabled",
      who(g.actors), who(g.targets), joined(g.modes), joined(g.clients), duration(g.maxDurationSeconds) || "default",
      canWrite ? h("div", { className: "pf-v5-c-action-list" },
        h(Button, { small: true, className: "act-as-grant-edit", onClick: () => setEditing(g) }, "Edit"),
        h(Button, { small: true, className: "act-as-grant-toggle", onClick: () => toggle(g) }, g.enabled ? "Disable" : "Enable"),
        confirming === g.id
          ? h(Button, { small: true, variant: "danger", className: "act-as-grant-confirm-delete", onClick: () => remove(g) }, "Confirm delete")
          : h(Button, { small: true, variant: "link", className: "act-as-grant-delete pf-m-danger", onClick: () => setConfirming(g.id) }, "Delete"))
        : null],
  }));
  return section(
    message ? h(Alert, { id: "act-as-grants-message", variant: "success", title: message }) : null,
    failure ? h(Alert, { id: "act-as-grants-error", title: failure }) : null,
    canWrite ? h("div", { className: "pf-v5-c-toolbar" }, h("div", { className: "pf-v5-c-toolbar__content" },
      h("button", { className: "pf-v5-c-button pf-m-primary", type: "button", id: "act-as-grant-new",
        onClick: () => { setMessage(null); setEditing(null); } }, "Create grant"))) : null,
    grants.data.length === 0 ? h(Empty, { id: "act-as-grants-empty", title: "No grants yet" }, "Nobody may act as anyone.")
      : h(Table, { id: "act-as-grants-table", label: "Grants",
        columns: ["Grant", "State", "Actors", "Targets", "Modes", "Clients", "Longest", ""], rows }),
    h(Pager, { id: "act-as-grants-pager", first, max: MAX, more: page.data.length > MAX, onPage: setFirst }),
    access.data.setUpSignIn ? h(BrowserSetup) : null);
}
