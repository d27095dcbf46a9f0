<#ftl output_format="plainText">
${msg("actAsNotificationGreeting", target)}

${msg("actAsNotificationBody", actor, started, duration)}
<#if reason?has_content>${msg("actAsNotificationReason", reason)}
</#if>
${msg("actAsNotificationGrant", grant, expires)}

${msg("actAsNotificationFooter")}
