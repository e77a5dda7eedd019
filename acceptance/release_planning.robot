*** Settings ***
Documentation    Releases as a pipeline plans them: a release created from its fields, the
...              changes it delivers added and taken out (one source with each change's
...              delivery releases), the release updated and read back; releases and changes
...              linked with how they depend on each other. Everything made here is deleted
...              at the end of each test.

Library          Collections
Library          PlutoraLibrary

Test Teardown    Delete Created Items


*** Test Cases ***
A Release Is Created, Given Its Changes And Updated
    [Documentation]    Create, add a change (verified), update (verified).
    ${release}    Create A Release For The Test
    ${change}    Raise A Change For The Test
    Link Change To Release    ${change}[id]    ${release}[id]    verify=${True}
    ${delivered}    Get Release Changes    ${release}[id]
    Should Be Equal    ${delivered}[0][id]    ${change}[id]
    ${read}    Get Change    ${change}[id]
    Should Be Equal    ${read}[deliveryReleases][-1][releaseId]    ${release}[id]
    ${updated}    Update Release    ${release}[id]    summary=Scope frozen    verify=${True}
    Should Be Equal    ${updated}[summary]    Scope frozen

A Change Taken Out Of A Release Is No Longer Delivered In It
    [Documentation]    Added, then taken out: the release lists it no more, and again fails.
    ${release}    Create A Release For The Test
    ${change}    Raise A Change For The Test
    Link Change To Release    ${change}[id]    ${release}[id]
    Remove Change From Release    ${change}[id]    ${release}[id]
    ${left}    Get Release Changes    ${release}[id]
    Should Be Empty    ${left}
    Run Keyword And Expect Error    NotFound: *is not delivered in release*
    ...    Remove Change From Release    ${change}[id]    ${release}[id]

A Release Depends On Another And Both Sides Say So
    [Documentation]    Depends on / Is dependent on: the mirror link comes and goes with it.
    ${platform}    Create A Release For The Test
    ${app}    Create A Release For The Test
    ${link}    Link Items    release    ${app}[id]    ${platform}[id]    Release    Depends on
    Should Be Equal    ${link}[linkedItem]    ${platform}[identifier]
    ${mirror}    Get Linked Items    release    ${platform}[id]
    Should Be Equal    ${mirror}[0][linkType]    Is dependent on
    Should Be Equal    ${mirror}[0][linkedItemId]    ${app}[id]
    Unlink Item    release    ${app}[id]    ${link}[id]
    ${gone}    Get Linked Items    release    ${platform}[id]
    Should Be Empty    ${gone}

A Change Is Linked To The Release It Is Related To
    [Documentation]    A change's linked items name releases as well as changes.
    ${release}    Create A Release For The Test
    ${change}    Raise A Change For The Test
    Link Items    change    ${change}[id]    ${release}[id]    Release    Related to
    ${links}    Get Linked Items    release    ${release}[id]
    Should Be Equal    ${links}[0][linkedItemType]    Change
    Should Be Equal    ${links}[0][linkType]    Related to

What The API Refuses Is Refused Before Anything Is Sent
    [Documentation]    An Enterprise release; a release linked to itself or twice.
    ${release}    Create A Release For The Test
    Run Keyword And Expect Error    BusinessRuleViolation: *Enterprise releases cannot be created*
    ...    Create Release    ENT-${{ secrets.token_hex(4) }}    Enterprise    2027-01-31
    ...    release_type=Enterprise
    Run Keyword And Expect Error    BusinessRuleViolation: *cannot be linked to itself*
    ...    Link Items    release    ${release}[id]    ${release}[id]


*** Keywords ***
Create A Release For The Test
    [Documentation]    A new Independent Draft release (deleted when the test ends).
    VAR    ${identifier}    PLAN-${{ secrets.token_hex(4) }}
    ${release}    Create Release    ${identifier}    Planned ${identifier}    2027-01-31
    ...    summary=Created by the acceptance suite
    RETURN    ${release}

Raise A Change For The Test
    [Documentation]    A new, high-priority defect fix (deleted when the test ends).
    ${new}    Get Lookup Id    ChangeStatus    New
    ${high}    Get Lookup Id    ChangePriority    High
    ${fix}    Get Lookup Id    ChangeType    Defect Fix
    ${change}    Raise Change    Change ${{ secrets.token_hex(4) }}    changeStatusId=${new}
    ...    changePriorityId=${high}    changeTypeId=${fix}
    RETURN    ${change}
