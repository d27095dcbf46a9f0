// The "Browser sign-in" card of the grants page: sets the realm's browser flow up for acting in one step
// (POST /act-as-admin/setup/browser-flow), with a dry run that shows the plan first, and an undo.
import { createElement as h, useState } from "react";
import { Alert, Button, admin, problem } from "./act-as-ui.js";

const PATH = "/setup/browser-flow";

function Steps({ id, plan }) {
  return h("div", { id },
    h("ol", { className: "pf-v5-c-list" }, plan.steps.map((s, i) => h("li", { key: i }, s))),
    plan.warnings.length ? h(Alert, { id: `${id}-warnings`, variant: "warning", title: "Before you apply" },
      h("ul", { className: "pf-v5-c-list" }, plan.warnings.map((w, i) => h("li", { key: i }, w)))) : null);
}

export default function BrowserSetup() {
  const [plan, setPlan] = useState(null);
  const [done, setDone] = useState(null);
  const [failure, setFailure] = useState(null);
  const run = (promise, then) => { setFailure(null); promise.then(then, (e) => setFailure(problem(e))); };
  return h("div", { className: "pf-v5-c-card pf-m-flat", id: "act-as-setup" },
    h("div", { className: "pf-v5-c-card__title" }, h("h2", { className: "pf-v5-c-title pf-m-lg" }, "Browser sign-in")),
    h("div", { className: "pf-v5-c-card__body" },
      h("p", null, "Acting from the browser needs the Act-As step at the end of the realm's browser flow. This builds that"
        + " flow around the realm's current one (which keeps working as it is: identity providers, passkeys,"
        + " second factors), binds it and sets the Act-As themes."),
      failure ? h(Alert, { id: "act-as-setup-error", title: failure }) : null,
      done ? h(Alert, { id: "act-as-setup-done", variant: "success", title: done.title }, h(Steps, { id: "act-as-setup-done-steps", plan: done.plan })) : null,
      plan ? h(Steps, { id: "act-as-setup-plan", plan }) : null),
    h("div", { className: "pf-v5-c-card__footer" }, h("div", { className: "pf-v5-c-action-list" },
      h(Button, { id: "act-as-setup-plan-button", onClick: () => run(admin(`${PATH}?dryRun=true`, "POST"), (p) => { setDone(null); setPlan(p); }) },
        "Show the plan"),
      plan ? h(Button, { variant: "primary", id: "act-as-setup-apply", onClick: () => run(admin(PATH, "POST"),
        (p) => { setPlan(null); setDone({ title: "The browser sign-in is set up for acting", plan: p }); }) }, "Apply") : null,
      h(Button, { variant: "link", id: "act-as-setup-undo", onClick: () => run(admin(PATH, "DELETE"),
        (p) => { setPlan(null); setDone({ title: "The previous browser sign-in is back", plan: p }); }) }, "Undo the set-up"))));
}
