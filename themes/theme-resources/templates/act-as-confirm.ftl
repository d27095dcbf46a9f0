<#import "template.ftl" as layout>
<@layout.registrationLayout displayMessage=true; section>
    <#if section = "header">
        ${msg("actAsConfirmTitle", actAs.targetUsername)}
    <#elseif section = "form">
        <div id="act-as-confirm" class="${properties.kcContentWrapperClass!}">
            <p id="act-as-summary">${msg("actAsConfirmSummary", actAs.actorUsername, actAs.targetUsername)}</p>
            <dl id="act-as-details" class="pf-v5-c-description-list pf-m-horizontal">
                <div class="pf-v5-c-description-list__group">
                    <dt class="pf-v5-c-description-list__term">${msg("actAsTarget")}</dt>
                    <dd class="pf-v5-c-description-list__description" id="act-as-target">${actAs.targetUsername}<#if actAs.targetName?has_content> (${actAs.targetName})</#if></dd>
                </div>
                <div class="pf-v5-c-description-list__group">
                    <dt class="pf-v5-c-description-list__term">${msg("actAsGrant")}</dt>
                    <dd class="pf-v5-c-description-list__description" id="act-as-grant">${actAs.grantName}</dd>
                </div>
                <div class="pf-v5-c-description-list__group">
                    <dt class="pf-v5-c-description-list__term">${msg("actAsDuration")}</dt>
                    <dd class="pf-v5-c-description-list__description" id="act-as-duration">${actAs.duration}</dd>
                </div>
            </dl>
            <form id="act-as-form" class="${properties.kcFormClass!}" action="${url.loginAction}" method="post">
                <#if actAs.reasonRequired>
                    <div class="${properties.kcFormGroupClass!}">
                        <label for="reason" class="${properties.kcLabelClass!}">${msg("actAsReason")}</label>
                        <input id="reason" name="reason" type="text" maxlength="255" class="${properties.kcInputClass!}"
                               value="${actAs.reason}" autofocus required
                               <#if actAs.reasonPattern?has_content>placeholder="${msg("actAsReasonPattern", actAs.reasonPattern)}"</#if>/>
                    </div>
                </#if>
                <p class="act-as-notice">${msg("actAsConfirmNotice")}</p>
                <div class="${properties.kcFormGroupClass!}">
                    <input class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!} ${properties.kcButtonLargeClass!}"
                           type="submit" id="act-as-confirm-button" name="confirm" value="${msg("actAsConfirmButton")}"/>
                    <input class="${properties.kcButtonClass!} ${properties.kcButtonDefaultClass!} ${properties.kcButtonLargeClass!}"
                           type="submit" id="act-as-cancel-button" name="cancel" value="${msg("doCancel")}" formnovalidate/>
                </div>
            </form>
        </div>
    </#if>
</@layout.registrationLayout>
