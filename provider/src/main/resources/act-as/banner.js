// Act-As banner: while the browser acts as someone, every login and account page says so and offers Stop.
// Served by /realms/{realm}/act-as/banner.js and loaded by the act-as login and account themes.
const base = location.pathname.replace(/^(.*?\/realms\/[^/]+\/).*$/, "$1act-as/");

async function showBanner() {
  const response = await fetch(base + "status", { credentials: "same-origin", cache: "no-store" });
  if (!response.ok) return;
  const status = await response.json();
  if (!status.acting || document.getElementById("act-as-banner")) return;

  const banner = document.createElement("div");
  banner.id = "act-as-banner";
  banner.setAttribute("role", "status");
  banner.style.cssText = "position:sticky;top:0;z-index:10000;display:flex;gap:1rem;align-items:center;"
    + "justify-content:center;padding:0.5rem 1rem;background:#f0ab00;color:#151515;font-weight:600;";
  const text = document.createElement("span");
  text.id = "act-as-banner-text";
  text.textContent = `You are acting as ${status.username} (signed in as ${status.actor})`;
  const form = document.createElement("form");
  form.method = "post";
  form.action = status.stopUrl;
  form.style.margin = "0";
  const token = document.createElement("input");
  token.type = "hidden";
  token.name = "token";
  token.value = status.stopToken;
  const stop = document.createElement("button");
  stop.type = "submit";
  stop.id = "act-as-stop";
  stop.textContent = "Stop";
  stop.className = "pf-v5-c-button pf-m-secondary pf-m-small";
  form.append(token, stop);
  banner.append(text, document.createTextNode("—"), form);
  document.body.prepend(banner);
}

if (document.body) {
  showBanner();
} else {
  document.addEventListener("DOMContentLoaded", showBanner);
}
