*** Settings ***
Documentation    A release's framework (the help pages "Manage Phases and Gates" and "Manage
...              Release Activities"): phases are periods of a release and gates its
...              milestones, each named from the site's phase and gate names; activities are
...              assigned against a phase, criteria against a gate. A release copied for the
...              test is planned, its work tracked to Completed and its gate passed.

Library          Collections
Library          PlutoraLibrary

Test Teardown    Delete Created Items


*** Test Cases ***
A Release's Phases Are Planned And A Gate Is Passed
    [Documentation]    Plan SIT and UAT with a Go/No-Go gate between them, track the SIT
    ...    activity to Completed and pass the gate by completing its criterion.
    ${release}    Copy A Draft Release For The Test
    ${me}    Get My User Id
    ${sit}    ${gate}    Plan SIT And UAT With A Go/No-Go Gate    ${release}
    Track The System Tests To Completed    ${release}    ${sit}    ${me}
    Pass The Go/No-Go Gate    ${release}    ${gate}    ${me}
    Every Activity Should Be Completed    ${release}

A Slipping Phase Is Moved And Its Activity Follows It
    [Documentation]    SIT slips a week: its end moves (verified by reading it back) and
    ...    its activity's due date moves with it.
    ${release}    Copy A Draft Release For The Test
    Add Phase To Release    ${release}    SIT    2026-03-02    2026-03-13T17:00
    ${tests}    Add Release Activity    ${release}    System tests pass    SIT
    ...    endDate=2026-03-13T17:00
    ${moved}    Update Release Phase    ${release}    SIT    endDate=2026-03-20T17:00
    ...    verify=${True}
    Should Be Equal    ${moved}[endDate]    2026-03-20T17:00:00
    ${due}    Update Release Activity    ${release}    ${tests}[id]    endDate=2026-03-20T17:00
    ...    verify=${True}
    Should Be Equal    ${due}[endDate]    2026-03-20T17:00:00

A Phase With Work On It Is Not Removed
    [Documentation]    Removing a phase that still has an activity fails before anything is
    ...    sent, naming the activity; once it is deleted, the phase goes.
    ${release}    Copy A Draft Release For The Test
    Add Phase To Release    ${release}    Build    2026-02-02    2026-02-27
    ${task}    Add Release Activity    ${release}    Code complete    Build
    Run Keyword And Expect Error    BusinessRuleViolation: *has activities: Code complete*
    ...    Remove Phase From Release    ${release}    Build
    Delete Release Activity    ${release}    ${task}[id]
    Remove Phase From Release    ${release}    Build
    ${phases}    Get Release Phases    ${release}
    Should Be Empty    ${phases}

Only The Site's Phase Names Are Taken And Each Once
    [Documentation]    A name the site does not list is refused naming those it does; a
    ...    name the release has already is refused too; an end before its start as well.
    ${release}    Copy A Draft Release For The Test
    Run Keyword And Expect Error    *'Hypercare' is not a phase name of this site*Design, Build*
    ...    Add Phase To Release    ${release}    Hypercare    2026-04-01    2026-04-02
    Add Phase To Release    ${release}    Deploy    2026-04-01    2026-04-02
    Run Keyword And Expect Error    *already has the phase 'Deploy'*
    ...    Add Phase To Release    ${release}    deploy    2026-04-03    2026-04-04
    Run Keyword And Expect Error    *is before the start*
    ...    Add Gate To Release    ${release}    Code Freeze    2026-04-02    2026-04-01

What The Release Lacks Is Not Found Before Sending
    [Documentation]    An activity on a phase the release does not have, or a phase or
    ...    activity it does not have, is a NotFound from the list the client read (answered
    ...    200, no 404), naming what the release has; nothing is sent.
    ${release}    Copy A Draft Release For The Test
    Add Phase To Release    ${release}    Build    2026-02-02    2026-02-27
    Run Keyword And Expect Error    NotFound: *answered 200 without it*'No Such Phase' (*Build*)*
    ...    Add Release Activity    ${release}    X    No Such Phase
    Run Keyword And Expect Error    NotFound: *no phase 'Nope' (its phases: Build)*Add Phase To Release*
    ...    Get Release Phase    ${release}    Nope
    Run Keyword And Expect Error    NotFound: *no activity 'no-such-activity' (it has none)*
    ...    Set Activity Status    ${release}    no-such-activity    Completed


*** Keywords ***
Copy A Draft Release For The Test
    [Documentation]    A copy of an Independent Draft release (deleted when the test ends).
    ${drafts}    Get Releases
    ...    `releaseStatusType` Equals `Draft` AND `plutoraReleaseType` Equals `Independent`
    VAR    ${identifier}    PHS-${{ secrets.token_hex(4) }}
    ${copy}    Copy Release    ${drafts}[0][id]    name=Framework ${identifier}
    ...    identifier=${identifier}
    RETURN    ${copy}[id]

Get My User Id
    [Documentation]    The logged-in user's id, found by their name among the users.
    ${login}    Get Current User
    ${me}    Get Id By Name    users    ${login}
    RETURN    ${me}

Plan SIT And UAT With A Go/No-Go Gate
    [Documentation]    SIT, then the Go/No-Go gate, then UAT; returns SIT and the gate.
    [Arguments]    ${release}
    ${sit}    Add Phase To Release    ${release}    SIT    2026-03-02    2026-03-13T17:00
    Add Phase To Release    ${release}    UAT    2026-03-17    2026-03-27T17:00
    ${gate}    Add Gate To Release    ${release}    Go/No-Go    2026-03-16T09:00    2026-03-16T10:00
    ${phases}    Get Release Phases    ${release}
    ${names}    Evaluate    [phase["workItemName"] for phase in $phases]
    Should Be Equal    ${names}    ${{ ["SIT", "UAT"] }}
    RETURN    ${sit}    ${gate}

Every Activity Should Be Completed
    [Documentation]    No activity or criterion of the release is still open.
    [Arguments]    ${release}
    ${activities}    Get Release Activities    ${release}
    ${open}    Evaluate    [a["title"] for a in $activities if a["status"] != "Completed"]
    Should Be Empty    ${open}

Track The System Tests To Completed
    [Documentation]    The SIT activity, assigned to ``me``, in progress and then Completed.
    [Arguments]    ${release}    ${sit}    ${me}
    ${tests}    Add Release Activity    ${release}    System tests pass    SIT
    ...    assignedToID=${me}    status=InProgress    endDate=2026-03-13T17:00
    Should Be Equal    ${tests}[assignedWorkItemID]    ${sit}[id]
    Set Activity Status    ${release}    ${tests}[id]    Completed

Pass The Go/No-Go Gate
    [Documentation]    The gate's criterion (a Criteria on the gate) Completed, read back.
    [Arguments]    ${release}    ${gate}    ${me}
    ${approval}    Add Release Activity    ${release}    Go/No-Go approved    Go/No-Go
    ...    assignedToID=${me}
    Should Be Equal    ${approval}[type]    Criteria
    Should Be Equal    ${approval}[assignedWorkItemID]    ${gate}[id]
    ${passed}    Set Activity Status    ${release}    ${approval}[id]    Completed    verify=${True}
    Should Be Equal    ${passed}[status]    Completed
