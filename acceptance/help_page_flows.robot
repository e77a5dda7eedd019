*** Settings ***
Documentation    The vendor help pages' flows: a token and the current user, copying a
...              release and finding the copy, searching defects and patching one, changes
...              with search filters and paging, environments, hosts and layers.

Library          Collections
Library          PlutoraLibrary


*** Test Cases ***
A Token Opens The API And Me Answers The User
    [Documentation]    Help page step 3: a token, then ``GET /me`` answers the user's e-mail.
    ${token}    Get Token
    Should Be True    $token.value    msg=No token came back.
    ${user}    Get Current User
    Should Contain    ${user}    @
    ${test_user}    Get Current User    Plutora Test
    Should Contain    ${test_user}    @

A Release Is Copied And The Copy Is Found
    [Documentation]    Help page: find a release, copy it with a new name and identifier,
    ...    then find the copy by its identifier.
    ${releases}    Get Releases    `plutoraReleaseType` Equals `Independent` AND `releaseStatusType` Equals `Draft`
    ${source}    Get Release    ${releases}[0][id]
    VAR    ${identifier}    ACC-COPY-${{ secrets.token_hex(4) }}    # unique however often it runs
    ${copy}    Copy Release    ${source}[id]    name=${source}[name] Copy    identifier=${identifier}
    Should Not Be Equal    ${copy}[id]    ${source}[id]
    Should Match Schema    ${copy}    release
    ${found}    Get Releases    `identifier` Equals `${identifier}`
    Length Should Be    ${found}    1
    Should Be Equal    ${found}[0][name]    ${source}[name] Copy

A Defect Is Found, Patched And Read Back
    [Documentation]    Swagger page 5b: a page of 25 defects, PATCH the name and the
    ...    description, read it back.
    ${defects}    Search Defects    Status    Equals    Open
    Length Should Be    ${defects}    25
    ${defect}    Patch Defect    ${defects}[0][Id]    Name=Swagger Example 111
    ...    Description=This description was changed with the help of Swagger.    verify=True
    Should Be Equal    ${defect}[Name]    Swagger Example 111
    ${read}    Get Defect By Display Id    ${defects}[0][DisplayId]
    Should Be Equal    ${read}[Description]    This description was changed with the help of Swagger.

Defects Are Searched With Several Filters, Sorted And Paged
    [Documentation]    Filters in the row joined by AND, a sort, a page and every page.
    ${page}    Search Defects    Priority    IsWithin    High,Critical    AND    DisplayId    DESC
    ...    page_size=10    page=1
    Length Should Be    ${page}    10
    ${all}    Search Defects    Priority    Equals    Critical    all_pages=True
    ${count}    Get Length    ${all}
    Should Be True    ${count} > 100
    Should Match Schema    ${all}    defect    shape=list

Changes Are Searched With Filters, Sort, Paging And Limit
    [Documentation]    The Changes help page: SearchFilters with a direction, page size,
    ...    page and limit.
    ${page}    Search Changes    sort_by=ChangeId    direction=DESC    page_size=10    page=1    limit=15
    Length Should Be    ${page}    5
    Should Be Equal As Integers    ${page}[0][changeId]    290
    ${change}    Get Change    ${page}[0][id]
    Should Match Schema    ${change}    change
    ${na}    Search Changes    Status    Contains    N/A    AND    ChangeId    DESC
    FOR    ${item}    IN    @{na}
        Should Be Equal    ${item}[changeStatus]    N/A
    END
    ${recent}    Get Changes    `changeId` > `295`
    Length Should Be    ${recent}    5

Environments, Hosts And Layers Show Their Stack Layers
    [Documentation]    The Swagger page: stackLayerID, stackLayer and stackLayerType on layers.
    ${environments}    Get Environments
    Should Match Schema    ${environments}    environment-list-item    shape=list
    ${environment}    Get Environment    ${environments}[0][id]
    Should Not Be Empty    ${environment}[hosts]
    ${hosts}    Get Hosts    environment_id=${environment}[id]
    ${host}    Get Host    ${hosts}[0][id]
    ${layers}    Get Layers    ${host}[id]
    Should Be Equal    ${layers}[0][stackLayerType]    StackLayer
    Should Match Schema    ${layers}    layer    shape=list

Lookup Fields Answer Their Values
    [Documentation]    ``GET /lookupfields/{type}``: id, value, sortOrder and type.
    ${statuses}    Get Lookup Fields    ReleaseStatusType
    Should Match Schema    ${statuses}    lookup-item    shape=list

Releases Are Searched With Filters And Sorted
    [Documentation]    ``POST /releases/filter`` with a filter and a sort.
    ${page}    Search Releases    plutoraReleaseType    Equals    Integrated    AND    identifier    DESC
    ...    page_size=5
    Length Should Be    ${page}    5
    Should Be Equal    ${page}[0][plutoraReleaseType]    Integrated
