*** Settings ***
Documentation    The housekeeping around a release that QA and CI script (the vendor's Jira
...              script and Cypress suite add the systems a change impacts; the CSV import
...              reads comments): a change marked as impacting its systems, a test run's note
...              on its release with a reply, and a tester's roles changed and put back. What
...              a test creates is deleted at the end; comments have no delete, so they are
...              written on a release copied for the test.

Library          Collections
Library          PlutoraLibrary

Test Teardown    Delete Created Items


*** Test Cases ***
A Change Is Raised With The Systems It Impacts
    [Documentation]    Two systems added, both shown by the change itself; one taken off.
    ${change}    Raise A Tech Debt Change    Impact ${{ secrets.token_hex(4) }}
    ${billing}    Get Id By Name    systems    Billing Engine
    ${crm}    Get Id By Name    systems    CRM
    Add System To Change    ${change}    ${billing}
    ${added}    Add System To Change    ${change}    ${crm}    role=Dependency
    Should Be Equal    ${added}[systemRoleType]    Dependency
    The Change Shows Its Systems    ${change}    Billing Engine    CRM
    Remove System From Change    ${change}    ${crm}
    The Change Shows Its Systems    ${change}    Billing Engine

A System Already On The Change Is Refused Before Sending
    [Documentation]    The change's systems are named in the error.
    ${change}    Raise A Tech Debt Change    Twice ${{ secrets.token_hex(4) }}
    ${billing}    Get Id By Name    systems    Billing Engine
    Add System To Change    ${change}    ${billing}
    Run Keyword And Expect Error    BusinessRuleViolation: *already on the change*Billing Engine*
    ...    Add System To Change    ${change}    ${billing}

A Test Run Leaves A Note On Its Release And Gets A Reply
    [Documentation]    The note and the reply are the release's last two comments, in order.
    ${release}    Copy A Draft Release For The Test
    ${note}    Add Comment    Release    ${release}    Regression suite: 412 passed, 0 failed
    ${reply}    Add Comment    release    ${release}    Thanks, go.    reply_to=${note}[id]
    ${comments}    Get Comments    Release    ${release}
    Should Be Equal    ${comments}[-2][id]    ${note}[id]
    Should Be Equal    ${comments}[-1][id]    ${reply}[id]
    Should Be Equal    ${comments}[-1][parentId]    ${note}[id]
    ${me}    Get Current User
    ${author}    Get User    ${note}[userId]
    Should Be Equal    ${author}[userName]    ${me}

A Tester's Roles Are Changed And Put Back
    [Documentation]    An Administrator changes a tester's roles (verified) and sets them
    ...    Inactive, then puts them back as they were. Not against a real site.
    [Tags]    simulator
    ${tester}    Get Id By Name    users    casey.romero@example.com
    ${before}    Get User    ${tester}
    ${changed}    Update User    ${tester}    roles=${{ ["Test Manager"] }}    verify=${True}
    Should Be Equal    ${changed}[roles]    ${{ ["Test Manager"] }}
    Update User    ${tester}    status=Inactive
    ${read}    Get User    ${tester}
    Should Be Equal    ${read}[status]    Inactive
    [Teardown]    Update User    ${tester}    roles=${before}[roles]    status=${before}[status]

No One Deactivates Themself By Accident
    [Documentation]    Refused before anything is sent; the user is as it was.
    ${me}    Get Current User
    ${id}    Get Id By Name    users    ${me}
    Run Keyword And Expect Error    BusinessRuleViolation: *own user Inactive*
    ...    Update User    ${id}    status=Inactive
    ${user}    Get User    ${id}
    Should Be Equal    ${user}[status]    Active


*** Keywords ***
The Change Shows Its Systems
    [Documentation]    The change and its systems' list name the same systems, in order.
    [Arguments]    ${change}    @{names}
    ${read}    Get Change    ${change}
    ${listed}    Get Change Systems    ${change}
    ${shown}    Evaluate    [system["name"] for system in $read["systems"]]
    ${named}    Evaluate    [system["system"] for system in $listed]
    Should Be Equal    ${shown}    ${names}
    Should Be Equal    ${named}    ${names}

Raise A Tech Debt Change
    [Documentation]    A new, low-priority tech-debt change (deleted when the test ends).
    [Arguments]    ${name}
    ${new}    Get Lookup Id    ChangeStatus    New
    ${low}    Get Lookup Id    ChangePriority    Low
    ${debt}    Get Lookup Id    ChangeType    Tech Debt
    ${change}    Raise Change    ${name}    changeStatusId=${new}    changePriorityId=${low}
    ...    changeTypeId=${debt}
    RETURN    ${change}[id]

Copy A Draft Release For The Test
    [Documentation]    A copy of an Independent Draft release (deleted when the test ends).
    ${drafts}    Get Releases
    ...    `releaseStatusType` Equals `Draft` AND `plutoraReleaseType` Equals `Independent`
    VAR    ${identifier}    NOTE-${{ secrets.token_hex(4) }}
    ${copy}    Copy Release    ${drafts}[0][id]    name=Notes ${identifier}
    ...    identifier=${identifier}
    RETURN    ${copy}[id]
