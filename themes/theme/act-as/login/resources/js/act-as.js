// Loads the Act-As banner from this realm's act-as endpoint (one script for login and account pages).
import(location.pathname.replace(/^(.*?\/realms\/[^/]+\/).*$/, "$1act-as/banner.js"));
