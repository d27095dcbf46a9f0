<html>
<body>
<#-- Auto-escaped, never through kcSanitize: it decodes entities and keeps links, and these values (a reason,
     names) are typed by people. -->
<p>${msg("actAsNotificationGreeting", target)}</p>
<p>${msg("actAsNotificationBody", actor, started, duration)}</p>
<#if reason?has_content><p>${msg("actAsNotificationReason", reason)}</p></#if>
<p>${msg("actAsNotificationGrant", grant, expires)}</p>
<p>${msg("actAsNotificationFooter")}</p>
</body>
</html>
