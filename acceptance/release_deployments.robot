*** Settings ***
Documentation    A release's systems and their deployments (the Swagger page's November 2020
...              note: the API sets each system's deployment status to Completed,
...              RollbackPending or Rejected; deployment dates per system): a release copied
...              for the test, a system added with its deployment window, the deployment
...              marked Completed, then rolled back.

Library          Collections
Library          PlutoraLibrary

Test Teardown    Delete Created Items


*** Test Cases ***
A Release System's Deployment Is Marked Completed
    [Documentation]    Add a system to a release, give it a deployment window, mark the
    ...    deployment Completed (verified by reading it back).
    ${release}    Copy A Draft Release For The Test
    ${system}    Get Id By Name    systems    Billing Engine
    ${added}    Add System To Release    ${release}    ${system}
    Should Be Equal    ${added}[deploymentStatus]    NotStarted
    ${date}    Add Deployment Date    ${release}    ${system}    2026-03-01T22:00    2026-03-01T23:30
    ...    description=Go-live window
    ${done}    Set Deployment Status    ${release}    ${system}    Completed    verify=${True}
    Should Be Equal    ${done}[deploymentStatus]    Completed
    Should Be Equal    ${done}[deploymentDates][0][id]    ${date}[id]

A Completed Deployment Is Rolled Back
    [Documentation]    Completed, then RollbackPending; a rejected deployment moves no more.
    ${release}    Copy A Draft Release For The Test
    ${system}    Get Id By Name    systems    Payments Gateway
    Add System To Release    ${release}    ${system}
    Add Deployment Date    ${release}    ${system}    2026-03-02    2026-03-03
    Set Deployment Status    ${release}    ${system}    Completed
    ${back}    Set Deployment Status    ${release}    ${system}    RollbackPending    verify=${True}
    Should Be Equal    ${back}[deploymentStatus]    RollbackPending
    Set Deployment Status    ${release}    ${system}    Rejected
    Run Keyword And Expect Error    BusinessRuleViolation: *cannot go from Rejected to Completed*
    ...    Set Deployment Status    ${release}    ${system}    Completed

A Deployment Cannot Be Rolled Back Before It Completed
    [Documentation]    The move is refused before anything is sent, naming the moves there are.
    ${release}    Copy A Draft Release For The Test
    ${system}    Get Id By Name    systems    CRM
    Add System To Release    ${release}    ${system}
    Run Keyword And Expect Error    *from NotStarted it may go to Completed, Rejected*
    ...    Set Deployment Status    ${release}    ${system}    RollbackPending


*** Keywords ***
Copy A Draft Release For The Test
    [Documentation]    A copy of an Independent Draft release (deleted when the test ends).
    ${drafts}    Get Releases
    ...    `releaseStatusType` Equals `Draft` AND `plutoraReleaseType` Equals `Independent`
    VAR    ${identifier}    DEP-${{ secrets.token_hex(4) }}
    ${copy}    Copy Release    ${drafts}[0][id]    name=Deployment ${identifier}
    ...    identifier=${identifier}
    RETURN    ${copy}[id]
