*** Settings ***
Documentation    TECRs as a deploy pipeline drives them (the vendor's Octopus Deploy script:
...              find the Approved TECRs, deploy, set the TECR Completed): a TECR moves
...              through its statuses, a move that is not allowed is refused before sending,
...              and a TECR's linked changes are read.

Library          Collections
Library          PlutoraLibrary


*** Test Cases ***
A TECR Moves Through Its Statuses
    [Documentation]    Draft, Submitted, Approved, Completed; each move read back, made as
    ...    the logged-in user (their own id found by their name among the users).
    ${drafts}    Search TECRs    crStatus    Equals    Draft
    Skip If    not $drafts    No Draft TECR is left on this site: each run moves one to Completed.
    VAR    ${id}    ${drafts}[0][id]
    ${login}    Get Current User
    ${me}    Get Id By Name    users    ${login}
    FOR    ${status}    IN    Submitted    Approved    Completed
        ${tecr}    Set TECR Status    ${id}    ${status}    verify=${True}    user_id=${me}
        Should Be Equal    ${tecr}[crStatus]    ${status}
    END
    ${completed}    Search TECRs    crStatus    Equals    Completed
    ${ids}    Evaluate    [t['id'] for t in $completed]
    Should Contain    ${ids}    ${id}

An Approved TECR Is Completed After The Deploy
    [Documentation]    The Octopus Deploy script's flow: the Approved TECRs, the first one
    ...    Completed after the deploy, with the changes it is linked to.
    ${approved}    Search TECRs    crStatus    Equals    Approved
    Skip If    not $approved    No Approved TECR is left on this site: each run completes one.
    ${changes}    Get TECR Linked Changes    ${approved}[0][id]
    Should Be True    isinstance($changes, list)
    ${tecr}    Set TECR Status    ${approved}[0][id]    Completed    verify=${True}
    Should Be Equal    ${tecr}[crStatus]    Completed
    Run Keyword And Expect Error    *cannot go from Completed to Draft*Completed is a final status*
    ...    Set TECR Status    ${approved}[0][id]    Draft
