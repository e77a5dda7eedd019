*** Settings ***
Documentation    A change as a pipeline raises it (the vendor's Jira and pull-request scripts,
...              its Cypress suite): raised (as JSON, or as a form), linked to the release it is
...              delivered in, then updated; every change made here is deleted at the end.

Library          Collections
Library          PlutoraLibrary

Test Teardown    Delete Created Items


*** Test Cases ***
A Change Is Raised, Linked To A Release And Updated
    [Documentation]    Raise, link (verified), update (verified).
    VAR    ${name}    Change ${{ secrets.token_hex(4) }}
    ${change}    Raise A Defect Fix    ${name}
    ${release}    Get Id Of A Draft Release
    ${linked}    Link Change To Release    ${change}[id]    ${release}    verify=${True}
    Should Be Equal    ${linked}[deliveryReleases][-1][releaseId]    ${release}
    ${updated}    Update Change    ${change}[id]    description=Fixed in build 42    verify=${True}
    Should Be Equal    ${updated}[description]    Fixed in build 42
    ${found}    Get Changes    `name` Equals `${name}`
    Length Should Be    ${found}    1

A Change Raised As A Form Is The Same Change
    [Documentation]    The Cypress suite form-encodes every write: the change is the same.
    VAR    ${name}    Form change ${{ secrets.token_hex(4) }}
    ${change}    Raise A Defect Fix    ${name}    form=${True}
    ${read}    Get Change    ${change}[id]
    Should Be Equal    ${read}[name]    ${name}


*** Keywords ***
Raise A Defect Fix
    [Documentation]    A new, high-priority defect fix.
    [Arguments]    ${name}    ${form}=${False}
    ${new}    Get Lookup Id    ChangeStatus    New
    ${high}    Get Lookup Id    ChangePriority    High
    ${fix}    Get Lookup Id    ChangeType    Defect Fix
    ${change}    Raise Change    ${name}    form=${form}    changeStatusId=${new}
    ...    changePriorityId=${high}    changeTypeId=${fix}
    RETURN    ${change}

Get Id Of A Draft Release
    [Documentation]    The first Independent Draft release.
    ${drafts}    Get Releases
    ...    `releaseStatusType` Equals `Draft` AND `plutoraReleaseType` Equals `Independent`
    RETURN    ${drafts}[0][id]
