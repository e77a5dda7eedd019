*** Settings ***
Documentation    Systems, organizations and the people releases, systems and changes answer
...              to (the vendor's help pages "Manage Release Stakeholder", "Manage System
...              Stakeholders", "Manage Change Stakeholder"): a service registered as a system
...              with its owner, a tester added to a release and made consulted, a release's
...              owner kept accountable, a change's stakeholders, a team added to the tree.

Library          Collections
Library          PlutoraLibrary

Test Teardown    Delete Created Items


*** Test Cases ***
A New Service Is Registered As A System With Its Owner
    [Documentation]    Create a system under the top organization, make the logged-in user its
    ...    accountable Business Owner, then retire the system (verified by reading it back).
    ${system}    Create A System For The Test
    ${me}    Get Id Of The Logged-In User
    Add Stakeholder    system    ${system}[id]    user_id=${me}    roles=Business Owner
    ...    accountable=${True}    responsible=${True}
    ${people}    Get Stakeholders    system    ${system}[id]
    Length Should Be    ${people}    1
    Should Be Equal    ${people}[0][stakeholderRoles]    Business Owner
    Should Be True    ${people}[0][accountable]
    ${retired}    Update System    ${system}[id]    status=Inactive    verify=${True}
    Should Be Equal    ${retired}[status]    Inactive

A Tester Is Added To A Release, Made Consulted And Removed
    [Documentation]    The logged-in user joins a release as an informed Tester, is made
    ...    consulted too, then leaves it.
    ${release}    Copy A Draft Release For The Test
    ${me}    Get Id Of The Logged-In User
    ${added}    Add Stakeholder    release    ${release}    user_id=${me}    roles=Tester
    ...    informed=${True}
    Should Be Equal    ${added}[id]    ${me}
    ${now}    Update Stakeholder    release    ${release}    ${me}    consulted=${True}
    ...    verify=${True}
    Should Be True    ${now}[informed] and ${now}[consulted] and not ${now}[accountable]
    Remove Stakeholder    release    ${release}    ${me}
    ${people}    Get Stakeholders    release    ${release}
    ${ids}    Evaluate    [person['id'] for person in $people]
    Should Not Contain    ${ids}    ${me}

A Release's Owner Stays Its Accountable Stakeholder
    [Documentation]    The owner is a stakeholder from the start; making it non-accountable or
    ...    removing it is refused before anything is sent.
    ${id}    Copy A Draft Release For The Test
    ${release}    Get Release    ${id}
    ${owner}    Get Stakeholder    release    ${id}    ${release}[managerId]
    Should Be True    ${owner}[accountable]
    Run Keyword And Expect Error    BusinessRuleViolation: *owns the release*
    ...    Update Stakeholder    release    ${id}    ${release}[managerId]    accountable=${False}
    Run Keyword And Expect Error    BusinessRuleViolation: *owns the release*
    ...    Remove Stakeholder    release    ${id}    ${release}[managerId]

A Change's Stakeholders Are The Change's Own
    [Documentation]    A stakeholder added to a change shows in the change itself.
    ${changes}    Get Changes
    VAR    ${change}    ${changes}[-1][id]
    ${me}    Get Id Of The Logged-In User
    Add Stakeholder    change    ${change}    user_id=${me}    roles=Developer    consulted=${True}
    ${read}    Get Change    ${change}
    ${ids}    Evaluate    [person['userId'] for person in $read['stakeholders']]
    Should Contain    ${ids}    ${me}

A Team Is Added To The Organization Tree
    [Documentation]    A department under a division, then moved to the top. The API deletes
    ...    no organization, so this runs on the simulator only.
    [Tags]    simulator
    ${top}    Get Organization Tree
    VAR    ${division}    ${top}[children][0]
    VAR    ${name}    ORG-${{ secrets.token_hex(4) }}
    ${team}    Create Organization    ${name}    Department    ${division}[id]
    ${moved}    Update Organization    ${team}[id]    parentId=${top}[id]    verify=${True}
    Should Be Equal    ${moved}[name]    ${name}
    ${tree}    Get Organization Tree
    ${under top}    Evaluate    [child['id'] for child in $tree['children']]
    Should Contain    ${under top}    ${team}[id]


*** Keywords ***
Copy A Draft Release For The Test
    [Documentation]    A copy of an Independent Draft release (deleted when the test ends).
    ${drafts}    Get Releases
    ...    `releaseStatusType` Equals `Draft` AND `plutoraReleaseType` Equals `Independent`
    VAR    ${identifier}    STK-${{ secrets.token_hex(4) }}
    ${copy}    Copy Release    ${drafts}[0][id]    name=Stakeholders ${identifier}
    ...    identifier=${identifier}
    RETURN    ${copy}[id]

Create A System For The Test
    [Documentation]    A system under the top organization (deleted when the test ends).
    ${top}    Get Organization Tree
    VAR    ${name}    SYS-${{ secrets.token_hex(4) }}
    ${system}    Create System    ${name}    In-house    ${top}[id]    description=Built by CI
    RETURN    ${system}

Get Id Of The Logged-In User
    [Documentation]    The id of the user the library logs in as.
    ${email}    Get Current User
    ${id}    Get Id By Name    users    ${email}
    RETURN    ${id}
