<#ftl output_format="plainText">
${msg("actAsKeyExpiringGreeting", user.username)}

${msg("actAsKeyExpiringBody", account, realmName, expires)}

${msg("actAsKeyExpiringFooter")}
