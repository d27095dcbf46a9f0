// Loads the Act-As banner from this realm's act-as endpoint (one script for login and account pages).
import(location.pathname.replace(/^(.*?\/realms\/[^/]+\/).*$/, "$1act-as/banner.js"));

// Keycloak 26.7's account console keeps showing the first content page when its menu goes from one content page
// to another (one route serves them all, and the page it rendered stays); going there by a page load works.
document.addEventListener("click", (event) => {
  const link = event.target instanceof Element ? event.target.closest("nav a[href*='/account/content/']") : null;
  if (link && location.pathname.includes("/account/content/") && link.pathname !== location.pathname
      && event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey) {
    event.preventDefault();
    event.stopPropagation();
    location.assign(link.href);
  }
}, true);
