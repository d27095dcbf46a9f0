<#-- Keycloak 26.7.3's account console page (keycloak-account-ui, Apache-2.0), with the Act-As change marked below. -->
<!doctype html>
<html lang="${locale}" dir="${localeDir}">
  <head>
    <#import "theme-resources.ftl" as themeResourceTags>
    <meta charset="utf-8">
    <#if themeResources?? && themeResources.favicons?has_content>
      <@themeResourceTags.renderFavicons themeResources.favicons resourceUrl />
    <#else>
      <link rel="icon" type="${properties.favIconType!'image/svg+xml'}" href="${resourceUrl}${properties.favIcon!'/favicon.svg'}">
    </#if>
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <meta name="color-scheme" content="light${darkMode?then(' dark', '')}">
    <meta name="description" content="${properties.description!'The Account Console is a web-based interface for managing your account.'}">
    <title>${properties.title!'Account Management'}</title>
    <style>
      body {
        margin: 0;
      }

      body, #app {
        height: 100%;
      }

      .container {
        padding: 0;
        margin: 0;
        width: 100%;
      }

      .keycloak__loading-container {
        height: 100vh;
        width: 100%;
        color: #151515;
        background-color: #fff;
        display: flex;
        align-items: center;
        justify-content: center;
        flex-direction: column;
        margin: 0;
      }

      @media (prefers-color-scheme: dark) {
        .keycloak__loading-container {
          color: #e0e0e0;
          background-color: #1b1d21;
        }
      }

      #loading-text {
        z-index: 1000;
        font-size: 20px;
        font-weight: 600;
        padding-top: 32px;
      }
    </style>
    <script type="importmap">
      {
        "imports": {
          "react": "${resourceCommonUrl}/vendor/react/react.production.min.js",
          "react/jsx-runtime": "${resourceCommonUrl}/vendor/react/react-jsx-runtime.production.min.js",
          "react-dom": "${resourceCommonUrl}/vendor/react-dom/react-dom.production.min.js"
        }
      }
    </script>
    <#if darkMode>
      <script type="module" async blocking="render">
          const DARK_MODE_CLASS = "${properties.kcDarkModeClass}";
          const mediaQuery = window.matchMedia("(prefers-color-scheme: dark)");

          updateDarkMode(mediaQuery.matches);
          mediaQuery.addEventListener("change", (event) => updateDarkMode(event.matches));

          function updateDarkMode(isEnabled) {
            const { classList } = document.documentElement;

            if (isEnabled) {
              classList.add(DARK_MODE_CLASS);
            } else {
              classList.remove(DARK_MODE_CLASS);
            }
          }
      </script>
    </#if>
    <#if !isSecureContext>
      <script type="module" src="${resourceCommonUrl}/vendor/web-crypto-shim/web-crypto-shim.js"></script>
    </#if>
    <#if devServerUrl?has_content>
      <script type="module">
        import { injectIntoGlobalHook } from "${devServerUrl}/@react-refresh";

        injectIntoGlobalHook(window);
        window.$RefreshReg$ = () => {};
        window.$RefreshSig$ = () => (type) => type;
      </script>
      <script type="module">
        import { inject } from "${devServerUrl}/@vite-plugin-checker-runtime";

        inject({
          overlayConfig: {},
          base: "/",
        });
      </script>
      <script type="module" src="${devServerUrl}/@vite/client"></script>
      <script type="module" src="${devServerUrl}/src/main.tsx"></script>
    </#if>
    <#if entryStyles?has_content>
      <#list entryStyles as style>
        <link rel="stylesheet" href="${resourceUrl}/${style}">
      </#list>
    </#if>
    <#if themeResources?? && themeResources.styles?has_content>
      <@themeResourceTags.renderStyles themeResources.styles resourceUrl />
    <#elseif properties.styles?has_content>
      <#list properties.styles?split(' ') as style>
        <link rel="stylesheet" href="${resourceUrl}/${style}">
      </#list>
    </#if>
    <#if entryScript?has_content>
      <#-- Act-As: the one change to Keycloak's index.ftl (26.7.3). content.json shows an entry when its isVisible
           names a true key of environment.features, and the console reads those once, as it starts; so the
           person's Act-As menu entries (grants held, admin rights) are asked for first, then the console starts. -->
      <script type="module">
        const element = document.getElementById("environment");
        const environment = JSON.parse(element.textContent);
        const realmUrl = environment.serverBaseUrl + "/realms/" + encodeURIComponent(environment.realm);
        // Not signed in yet (the console is about to send the browser to the login page): nothing to ask.
        const signedIn = document.cookie.split("; ").some((c) => c.startsWith("KEYCLOAK_SESSION="));
        const get = (url, headers) => !signedIn ? Promise.resolve(null)
          : fetch(url, { credentials: "same-origin", cache: "no-store", headers })
            .then((r) => (r.ok ? r.json() : null)).catch(() => null);
        const [targets, groups, access] = await Promise.all([get(realmUrl + "/act-as/targets?max=1"),
          get(realmUrl + "/act-as/groups?max=1"), get(realmUrl + "/act-as-admin/access", { "X-Act-As-Console": "1" })]);
        const may = access || {};
        Object.assign(environment.features, {
          actAsImpersonation: !!((targets && targets.holdsGrants) || (groups && groups.holdsGrants)),
          actAsServiceAccounts: !!may.serviceAccounts,
          actAsAdmin: !!(may.grants || may.sessions || may.audit || may.sinks),
          actAsGrants: !!may.grants, actAsSessions: !!may.sessions, actAsAudit: !!may.audit, actAsSinks: !!may.sinks,
        });
        element.textContent = JSON.stringify(environment);
        await import("${resourceUrl}/${entryScript}");
      </script>
    </#if>
    <#if themeResources?? && themeResources.scripts?has_content>
      <@themeResourceTags.renderScripts themeResources.scripts resourceUrl "module" />
    <#elseif properties.scripts?has_content>
      <#list properties.scripts?split(' ') as script>
        <script src="${resourceUrl}/${script}" type="module"></script>
      </#list>
    </#if>
    <#if entryImports?has_content>
      <#list entryImports as import>
        <link rel="modulepreload" href="${resourceUrl}/${import}">
      </#list>
    </#if>
  </head>
  <body data-page-id="account">
    <div id="app">
      <main class="container">
        <div class="keycloak__loading-container">
          <svg class="pf-v5-c-spinner pf-m-xl" role="progressbar" aria-valuetext="Loading..." viewBox="0 0 100 100" aria-label="Contents">
            <circle class="pf-v5-c-spinner__path" cx="50" cy="50" r="45" fill="none"></circle>
          </svg>
          <div>
            <p id="loading-text">Loading the Account Console</p>
          </div>
        </div>
      </main>
    </div>
    <noscript>JavaScript is required to use the Account Console.</noscript>
    <script id="environment" type="application/json">
      {
        "serverBaseUrl": "${serverBaseUrl}",
        "authUrl": "${authUrl}",
        "authServerUrl": "${authServerUrl}",
        "realm": "${realm.name}",
        "clientId": "${clientId}",
        "resourceUrl": "${resourceUrl}",
        "logo": "${properties.logo!""}",
        "logoUrl": "${properties.logoUrl!""}",
        "darkMode": ${darkMode?c},
        "baseUrl": "${baseUrl}",
        "locale": "${locale}",
        "referrerName": "${referrerName!""}",
        "referrerUrl": "${referrer_uri!""}",
        "features": {
          "isRegistrationEmailAsUsername": ${realm.registrationEmailAsUsername?c},
          "isEditUserNameAllowed": ${realm.editUsernameAllowed?c},
          "isInternationalizationEnabled": ${realm.isInternationalizationEnabled()?c},
          "isLinkedAccountsEnabled": ${isLinkedAccountsEnabled?c},
          "isMyResourcesEnabled": ${(realm.userManagedAccessAllowed && isAuthorizationEnabled)?c},
          "isViewOrganizationsEnabled": ${isViewOrganizationsEnabled?c},
          "deleteAccountAllowed": ${deleteAccountAllowed?c},
          "updateEmailFeatureEnabled": ${updateEmailFeatureEnabled?c},
          "updateEmailActionEnabled": ${updateEmailActionEnabled?c},
          "isViewApplicationsEnabled": ${isViewApplicationsEnabled?c},
          "isViewGroupsEnabled": ${isViewGroupsEnabled?c},
          "isOid4VciEnabled": ${isOid4VciEnabled?c}
        },
        "scope": "${scope!""}"
      }
    </script>
  </body>
</html>
