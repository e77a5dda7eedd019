*** Settings ***
Documentation     Faults injected while the tests run: tokens expired mid-run, a 401 on a
...               valid-looking token, bursts of 429 with Retry-After, 502/503 and dropped
...               connections on reads, a slow answer past the read timeout on a copy POST, a
...               lost answer to a defect PATCH, a refused login. Every test passes, and each
...               checks that no release was copied twice and no patch was lost.
...
...               The library is imported with a short read timeout (a new instance, pointed at
...               the run's simulator). Faults hit this suite's own user only, so tests running
...               in parallel as the configured user are not disturbed; ``tests/scale`` runs this
...               suite under pabot and audits the simulator's data and counters afterwards.

Library           Collections
Library           PlutoraLibrary    read_timeout=1.5

Suite Setup       Act As The Resilience User
Suite Teardown    Close Plutora Connections

Test Tags         simulator    resilience


*** Variables ***
${USER}                      resilience.${{ secrets.token_hex(4) }}@example.com
${PASSWORD: Secret}          %{ACCEPTANCE_PASSWORD=Resilience-Password-1}
${WRONG_PASSWORD: Secret}    %{ACCEPTANCE_WRONG_PASSWORD=not-the-password}


*** Test Cases ***
Tokens Expired Mid-Run Are Renewed
    [Documentation]    Every token of the user expires between two calls of each product.
    Get Current User
    Get Current User    Plutora Test
    Expire Tokens    user=${USER}
    ${releases}    Get Releases
    Should Not Be Empty    ${releases}
    ${defects}    Search Defects    page_size=5
    Length Should Be    ${defects}    5

A 401 On A Valid-Looking Token Is Answered By One New Login
    [Documentation]    The API refuses a token that has not expired: one new login, one replay.
    Get Current User
    Inject Fault    /me$    status=401    user=${USER}
    ${me}    Get Current User
    Should Be Equal    ${me}    ${USER}

Bursts Of 429 Are Waited Out
    [Documentation]    Three 429s with ``Retry-After: 1`` in a row on a search, then an answer.
    Inject Fault    /changes/filter$    kind=rate_limit    retry_after=1    count=3    user=${USER}
    ${changes}    Search Changes    page_size=10
    Length Should Be    ${changes}    10

Server Errors And Dropped Connections On Reads Are Retried
    [Documentation]    502 and 503 answers, and a connection closed without an answer.
    Inject Fault    /environments$    status=502    user=${USER}
    Inject Fault    /environments$    status=503    user=${USER}
    Inject Fault    /hosts$    kind=drop    user=${USER}
    ${environments}    Get Environments
    Should Not Be Empty    ${environments}
    ${hosts}    Get Hosts
    Should Not Be Empty    ${hosts}

A Read Whose Answer Is Lost After Processing Is Sent Again
    [Documentation]    A GET is safe to repeat: the connection closes after the answer was made.
    ${releases}    Get Releases
    Inject Fault    /releases/[^/]+$    kind=drop    stage=after    user=${USER}
    ${release}    Get Release    ${releases}[0][id]
    Should Be Equal    ${release}[id]    ${releases}[0][id]

A Slow Answer To A Copy Leaves Exactly One Copy
    [Documentation]    The copy POST is processed but answered after the read timeout: the
    ...    library finds the copy by its identifier instead of posting it again.
    ${identifier}    Unique Identifier    RES-SLOW
    ${source}    A Copyable Release
    Inject Fault    /releases$    kind=delay    seconds=3    method=POST    stage=after
    ...    user=${USER}
    ${copy}    Copy Release    ${source}[id]    name=Slow answer    identifier=${identifier}
    Exactly One Release Has    ${identifier}    ${copy}[id]

A Dropped Answer To A Copy Leaves Exactly One Copy
    [Documentation]    The connection closes after the copy was made.
    ${identifier}    Unique Identifier    RES-DROP
    ${source}    A Copyable Release
    Inject Fault    /releases$    kind=drop    method=POST    stage=after    user=${USER}
    ${copy}    Copy Release    ${source}[id]    name=Dropped answer    identifier=${identifier}
    Exactly One Release Has    ${identifier}    ${copy}[id]

A Lost Answer To A Patch Is Read Back, Not Lost
    [Documentation]    The PATCH is applied but its answer is dropped, then it is slow: the
    ...    library reads the defect back each time and the change is there.
    ${defects}    Search Defects    page_size=2
    FOR    ${defect}    ${fault}    IN ZIP    ${defects}    ${{ ["drop", "delay"] }}
        ${text}    Unique Identifier    Resilience patch
        Inject Fault    /defects/    kind=${fault}    seconds=3    method=PATCH    stage=after
        ...    user=${USER}
        ${patched}    Patch Defect    ${defect}[Id]    Description=${text}
        Should Be Equal    ${patched}[Description]    ${text}
        ${read}    Get Defect    ${defect}[Id]
        Should Be Equal    ${read}[Description]    ${text}
    END

A Lost Answer To A Bulk Update Is Checked By Reading Again, Not Resent
    [Documentation]    The bulk update is applied but its answer is dropped, then a gateway's
    ...    502 comes after it was applied: each time the matching test cases are read again,
    ...    and every one carries the change.
    FOR    ${kind}    IN    drop    status
        VAR    ${marker}    ${{ secrets.token_hex(4) }}
        Inject Fault    /BulkUpdateSearch    kind=${kind}    status=502    method=POST    stage=after    user=${USER}
        ${done}    Bulk Update Test Cases    Status    Equals    Draft    AND    Type    Equals    Manual
        ...    delta=${{ {"Fields": [{"Name": "Resilience", "Value": $marker}]} }}
        Should Be True    $done["recovered"]
        ${cases}    Search Test Cases    Status    Equals    Draft    AND    Type    Equals    Manual
        ...    all_pages=True
        ${marks}    Evaluate    {f["Value"] for c in $cases for f in c["Fields"] if f["Name"] == "Resilience"}
        Should Be Equal    ${marks}    ${{ {$marker} }}
    END

A Bulk Update Lost Before It Was Applied Is Reported, Not Resent
    [Documentation]    The connection closes before the update reached the API: reading the
    ...    matching test cases again shows the change on none, and says it is safe to send again.
    Inject Fault    /BulkUpdateSearch    kind=drop    method=POST    user=${USER}
    Run Keyword And Expect Error    BulkUpdateIncomplete: *shows the change on none*safe*
    ...    Bulk Update Test Cases    Status    Equals    Obsolete
    ...    delta=${{ {"Fields": [{"Name": "Resilience", "Value": "never"}]} }}

A Refused Login Is Never Sent Again
    [Documentation]    A wrong password is refused once; asking again raises the same error
    ...    from memory: the token server sees one attempt, never five.
    VAR    ${refused}    refused.login@example.com
    Add Simulator User    ${refused}    ${PASSWORD}
    Use Plutora User    ${refused}    ${WRONG_PASSWORD}
    FOR    ${_}    IN RANGE    3
        Run Keyword And Expect Error    LoginRejected: *    Get Current User
    END
    ${counters}    Get Simulator Counters
    VAR    ${key}    plutora:${refused}
    Should Be Equal As Integers    ${counters}[loginAttempts][${key}]    1


*** Keywords ***
Act As The Resilience User
    [Documentation]    Points this library instance at the run's simulator and logs in as
    ...    a user of this suite's own (of this process, under pabot), for both products,
    ...    until the suite ends.
    Use Plutora Simulator    %{PLUTORA_SIMULATOR_URL}
    FOR    ${product}    IN    Plutora    Plutora Test
        Add Simulator User    ${USER}    ${PASSWORD}    ${product}
        Use Plutora User    ${USER}    ${PASSWORD}    ${product}
    END

A Copyable Release
    [Documentation]    An Independent release in Draft (not an end state, not Enterprise).
    ${releases}    Get Releases    `plutoraReleaseType` Equals `Independent` AND `releaseStatusType` Equals `Draft`
    RETURN    ${releases}[0]

Unique Identifier
    [Documentation]    ``prefix`` and a random suffix: unique however often the suite runs.
    [Arguments]    ${prefix}
    RETURN    ${prefix}-${{ secrets.token_hex(4) }}

Exactly One Release Has
    [Documentation]    Exactly one release carries ``identifier``, and it is ``copy_id``.
    [Arguments]    ${identifier}    ${copy_id}
    ${found}    Get Releases    `identifier` Equals `${identifier}`
    Length Should Be    ${found}    1
    Should Be Equal    ${found}[0][id]    ${copy_id}
