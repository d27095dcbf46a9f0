<#import "template.ftl" as layout>
<#-- Like Keycloak's error.ftl, but the message is shown as text: Keycloak's kcSanitize decodes entities and
     keeps links, and these messages carry values a request supplied (the name asked for, a client id). -->
<@layout.registrationLayout displayMessage=false; section>
    <#if section = "header">
        ${msg("errorTitle")}
    <#elseif section = "form">
        <div id="kc-error-message">
            <p class="instruction">${message.summary}</p>
            <#if client?? && client.baseUrl?has_content>
                <p><a id="backToApplication" href="${client.baseUrl}">${msg("backToApplication")}</a></p>
            </#if>
            <#if actAsAccountUrl??>
                <p><a id="act-as-back-to-account" href="${actAsAccountUrl}">${msg("actAsBackToAccount")}</a></p>
            </#if>
        </div>
    </#if>
</@layout.registrationLayout>
