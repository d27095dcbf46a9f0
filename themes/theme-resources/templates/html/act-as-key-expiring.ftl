<html>
<body>
<#-- Auto-escaped, never through kcSanitize: names are typed by people. -->
<p>${msg("actAsKeyExpiringGreeting", user.username)}</p>
<p>${msg("actAsKeyExpiringBody", account, realmName, expires)}</p>
<p>${msg("actAsKeyExpiringFooter")}</p>
</body>
</html>
