<#import "template.ftl" as layout>
<#-- The layout shows the signed-in user's name with a "restart login" button wherever a user is known; here that
     would read as if the actor could be changed. The summary names the actor instead. -->
<#global auth = {}>
<@layout.registrationLayout displayMessage=true; section>
    <#if section = "header">
        <#if actAs.group>${msg("actAsConfirmGroupTitle", actAs.targetUsername)}<#else>${msg("actAsConfirmTitle", actAs.targetUsername)}</#if>
    <#elseif section = "form">
        <div id="act-as-confirm" class="${properties.kcContentWrapperClass!}">
            <p id="act-as-summary"><#if actAs.group>${msg("actAsConfirmGroupSummary", actAs.actorUsername, actAs.targetUsername)}<#else>${msg("actAsConfirmSummary", actAs.actorUsername, actAs.targetUsername)}</#if></p>
            <dl id="act-as-details" class="pf-v5-c-description-list pf-m-horizontal">
                <div class="pf-v5-c-description-list__group">
                    <dt class="pf-v5-c-description-list__term"><#if actAs.group>${msg("actAsTargetGroup")}<#else>${msg("actAsTarget")}</#if></dt>
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
                               <#if actAs.reasonHint?has_content>placeholder="${actAs.reasonHint}" aria-describedby="act-as-reason-hint"</#if>/>
                        <#if actAs.reasonHint?has_content>
                            <div class="${properties.kcInputHelperTextClass!}" id="act-as-reason-hint">${msg("actAsReasonHint", actAs.reasonHint)}</div>
                        </#if>
                    </div>
                </#if>
                <p class="act-as-notice"><#if actAs.group>${msg("actAsConfirmGroupNotice")}<#else>${msg("actAsConfirmNotice")}</#if></p>
                <div class="${properties.kcFormGroupClass!}">
                    <input class="${properties.kcButtonClass!} ${properties.kcButtonPrimaryClass!} ${properties.kcButtonLargeClass!}"
                           type="submit" id="act-as-confirm-button" name="confirm" value="<#if actAs.group>${msg("actAsConfirmGroupButton")}<#else>${msg("actAsConfirmButton")}</#if>"/>
                    <input class="${properties.kcButtonClass!} ${properties.kcButtonDefaultClass!} ${properties.kcButtonLargeClass!}"
                           type="submit" id="act-as-cancel-button" name="cancel" value="${msg("doCancel")}" formnovalidate/>
                </div>
            </form>
        </div>
    </#if>
</@layout.registrationLayout>
