<html>
<body>
<p>${kcSanitize(msg("actAsNotificationGreeting", target))?no_esc}</p>
<p>${kcSanitize(msg("actAsNotificationBody", actor, started, duration))?no_esc}</p>
<#if reason?has_content><p>${kcSanitize(msg("actAsNotificationReason", reason))?no_esc}</p></#if>
<p>${kcSanitize(msg("actAsNotificationGrant", grant, expires))?no_esc}</p>
<p>${kcSanitize(msg("actAsNotificationFooter"))?no_esc}</p>
</body>
</html>
