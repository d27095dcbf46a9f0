// Act-As banner: while the browser acts as someone, every login and account page says so, counts down the time
// left and offers Stop. Served by /realms/{realm}/act-as/banner.js and loaded by the act-as login and account themes.
const base = location.pathname.replace(/^(.*?\/realms\/[^/]+\/).*$/, "$1act-as/");

function left(seconds) {
  if (seconds >= 3600) return `${Math.floor(seconds / 3600)} h ${Math.floor((seconds % 3600) / 60)} min left`;
  if (seconds >= 60) return `${Math.ceil(seconds / 60)} min left`;
  return `${seconds} s left`;
}

async function showBanner() {
  const response = await fetch(base + "status", { credentials: "same-origin", cache: "no-store" });
  if (!response.ok) return;
  const status = await response.json();
  if (!status.acting || document.getElementById("act-as-banner")) return;
  const endsAt = Date.now() + status.secondsLeft * 1000;

  const banner = document.createElement("div");
  banner.id = "act-as-banner";
  banner.setAttribute("role", "region");
  banner.setAttribute("aria-label", "Acting as another user");
  // PatternFly's warning colours with the darkest text: readable in the consoles' light and dark themes alike.
  banner.style.cssText = "position:sticky;top:0;z-index:10000;display:flex;flex-wrap:wrap;gap:0.75rem;"
    + "align-items:center;justify-content:center;padding:0.5rem 1rem;background:#f0ab00;color:#151515;"
    + "font-weight:600;font-size:14px;line-height:1.5;";
  const text = document.createElement("span");
  text.id = "act-as-banner-text";
  text.textContent = `You are acting as ${status.username} (signed in as ${status.actor})`;
  const time = document.createElement("span");
  time.id = "act-as-banner-time";
  time.setAttribute("aria-live", "off");
  time.style.cssText = "font-weight:400;";
  const tick = () => {
    const seconds = Math.max(0, Math.round((endsAt - Date.now()) / 1000));
    time.textContent = seconds > 0 ? left(seconds) : "ended";
    if (seconds > 0) setTimeout(tick, seconds > 120 ? 15000 : 1000);
  };
  tick();
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
  stop.textContent = "Stop acting";
  stop.style.cssText = "background:#151515;color:#ffffff;border:1px solid #151515;border-radius:3px;"
    + "padding:0.25rem 0.75rem;font:inherit;cursor:pointer;";
  form.append(token, stop);
  banner.append(text, time, form);
  document.body.prepend(banner);
}

if (document.body) {
  showBanner();
} else {
  document.addEventListener("DOMContentLoaded", showBanner);
}
