*** Settings ***
Documentation    The failure paths QA suites must exercise: refused logins, the lock-out,
...              the IP whitelist, expiring tokens, 429, server errors, dropped connections,
...              the copy business rules, unwritable defect fields, schema mismatches, and
...              bad input: an unknown region, malformed filters, proxy pages, empty bodies.

Library          Collections
Library          PlutoraLibrary

Suite Setup      Act As A Throw-Away User

Test Tags        simulator


*** Variables ***
# The suite acts as a user of its own (a new name in every process, so under pabot too): its
# faults, expired tokens and failed logins disturb no test running in parallel (test data,
# not a configured secret). Passwords are Secrets even so, as a suite's should be: a plain text
# shows in log.html, and the library warns about it.
${USER}                      failure.paths.${{ secrets.token_hex(4) }}@example.com
${PASSWORD: Secret}          %{ACCEPTANCE_PASSWORD=Failure-Paths-Password-1}
${WRONG_SECRET: Secret}      %{ACCEPTANCE_WRONG_SECRET=not-the-secret}
${WRONG_PASSWORD: Secret}    %{ACCEPTANCE_WRONG_PASSWORD=not-the-password}


*** Test Cases ***
A Wrong Client Secret Is Refused And Named
    [Documentation]    ``invalid_grant``: the help page's first troubleshooting case.
    Run Keyword And Expect Error    InvalidClient: *The client_id or client_secret is incorrect.*
    ...    Get Token    client_secret=${WRONG_SECRET}

A Wrong Password Is Refused Without Retrying
    [Documentation]    ``validation_error``; the library never retries a rejected login.
    Run Keyword And Expect Error    LoginRejected: *Login failed, you have 5 attempts to login*
    ...    Get Token    password=${WRONG_PASSWORD}

Five Failed Logins Lock A Throw-Away User
    [Documentation]    The lock after five consecutive failures, on a user of its own.
    VAR    ${password: Secret}    %{ACCEPTANCE_THROW_AWAY_PASSWORD=Throw-Away-Password-1}
    Add Simulator User    lockme@example.com    ${password}
    FOR    ${attempt}    IN RANGE    5
        VAR    ${wrong: Secret}    %{ACCEPTANCE_WRONG_PASSWORD=wrong-${attempt}}
        Run Keyword And Expect Error    LoginRejected: *
        ...    Get Token    username=lockme@example.com    password=${wrong}
    END
    Run Keyword And Expect Error    AccountLocked: *Your account is locked*
    ...    Get Token    username=lockme@example.com    password=${password}
    ${was_locked}    Unlock Simulator User    lockme@example.com
    Should Be True    ${was_locked}
    ${token}    Get Token    username=lockme@example.com    password=${password}
    Should Be True    $token.value    msg=No token came back.

A Caller Outside The IP Whitelist Is Denied
    [Documentation]    The whitelist's answer, 403 "Authorization has been denied for this
    ...    request.", sent to this suite's user alone (a whitelist change would deny every
    ...    test running in parallel; the simulator's own tests cover the whitelist itself).
    Inject Fault    /me$    status=403    user=${USER}
    Run Keyword And Expect Error    AccessDenied: *Authorization has been denied for this request*
    ...    Get Current User

A Token That Expires Mid-Suite Is Renewed
    [Documentation]    The simulator expires the tokens of a user of this test's own; the
    ...    next keyword logs in again, exactly once.
    VAR    ${expiring}    expiring.token@example.com
    Add Simulator User    ${expiring}    ${PASSWORD}
    Use Plutora User    ${expiring}    ${PASSWORD}
    Get Current User
    ${before}    Grants Of    ${expiring}
    Expire Tokens    user=${expiring}
    ${user}    Get Current User
    Should Be Equal    ${user}    ${expiring}
    ${after}    Grants Of    ${expiring}
    Should Be Equal As Integers    ${after}    ${before + 1}

A 429 Is Waited Out
    [Documentation]    429 with Retry-After: the keyword waits and succeeds.
    Inject Fault    /me$    kind=rate_limit    retry_after=1    user=${USER}
    ${user}    Get Current User
    Should Contain    ${user}    @

A 503 On A Read Is Retried
    [Documentation]    Reads are retried on 502/503/504 and dropped connections.
    Inject Fault    /releases$    status=503    count=2    method=GET    user=${USER}
    Inject Fault    /environments$    kind=drop    user=${USER}
    ${releases}    Get Releases
    Should Not Be Empty    ${releases}
    ${environments}    Get Environments
    Should Not Be Empty    ${environments}

A Lost Answer To A Copy Leaves Exactly One Copy
    [Documentation]    The connection drops after the copy was made: the library finds it
    ...    by its identifier instead of posting twice.
    ${releases}    Get Releases    `plutoraReleaseType` Equals `Independent` AND `releaseStatusType` Equals `Active`
    Inject Fault    /releases$    kind=drop    method=POST    stage=after    user=${USER}
    VAR    ${identifier}    ACC-DROP-${{ secrets.token_hex(4) }}
    ${copy}    Copy Release    ${releases}[0][id]    name=Dropped answer    identifier=${identifier}
    ${found}    Get Releases    `identifier` Equals `${identifier}`
    Length Should Be    ${found}    1
    Should Be Equal    ${found}[0][id]    ${copy}[id]

An End-State Or Enterprise Release Cannot Be Copied
    [Documentation]    The business rules of POST /releases, checked before sending.
    ${ended}    Get Releases    `plutoraReleaseType` Equals `Integrated` AND `releaseStatusType` Equals `Complete`
    Run Keyword And Expect Error    BusinessRuleViolation: *Release Status 'Complete' is an End State*
    ...    Copy Release    ${ended}[0][id]    name=x    identifier=ACC-RULE-1
    ${enterprise}    Get Releases    `plutoraReleaseType` Equals `Enterprise` AND `releaseStatusType` Equals `Draft`
    Run Keyword And Expect Error    BusinessRuleViolation: *Enterprise releases cannot be created*
    ...    Copy Release    ${enterprise}[0][id]    name=x    identifier=ACC-RULE-2

An Unknown Defect Field Fails Before Sending
    [Documentation]    Read-only and unknown properties are refused by the library.
    ${defects}    Search Defects    page_size=1
    Run Keyword And Expect Error    ValidationFailed: *'Colour' is not a property of a defect*Nothing was sent*
    ...    Patch Defect    ${defects}[0][Id]    Colour=red
    Run Keyword And Expect Error    ValidationFailed: *'DisplayId' is read-only*
    ...    Patch Defect    ${defects}[0][Id]    DisplayId=DEF-1

A Schema Mismatch Names The Path, The Expectation And The Value
    [Documentation]    Should Match Schema fails with a readable message.
    ${releases}    Get Releases
    ${release}    Get Release    ${releases}[0][id]
    Set To Dictionary    ${release}    implementationDate=31/12/2016
    Run Keyword And Expect Error
    ...    *does not match schema 'release' at $.implementationDate*got "31/12/2016"*
    ...    Should Match Schema    ${release}    release

A Proxy Page Instead Of JSON Is Named
    [Documentation]    A captive portal or proxy answering 200 with HTML: a clear error.
    Inject Fault    /me$    status=200    body=<html><title>Sign in</title></html>    user=${USER}
    Run Keyword And Expect Error    UnexpectedResponse: *not JSON (text/html*a proxy, firewall or wrong URL*
    ...    Get Current User

An Empty Body Is Named
    [Documentation]    A 200 with no body where JSON is expected: a clear error, not a crash.
    Inject Fault    /me$    status=200    body=${EMPTY}    user=${USER}
    Run Keyword And Expect Error    UnexpectedResponse: *an empty body*a proxy, firewall or wrong URL*
    ...    Get Current User

An Unknown Region Is Named When The Library Is Imported
    [Documentation]    Bad settings fail the import, naming the setting and the choices.
    Run Keyword And Expect Error    *region (PLUTORA_REGION) must be one of us, uk, au, eu, not 'mars'*
    ...    Import Library    PlutoraLibrary    region=mars

A Malformed Filter Or An Unknown Operator Is Named
    [Documentation]    The server's 400 explains the expression; the search row's operator is
    ...    checked before sending.
    Run Keyword And Expect Error    ValidationFailed: *filter: The filter ends in the middle of a term*
    ...    Get Releases    `name` Equals
    Run Keyword And Expect Error    ValidationFailed: *Unknown operator 'Sideways'. Use one of*
    ...    Get Releases    `name` Sideways `x`
    Run Keyword And Expect Error    ValueError: Unknown filter operator 'Sideways'. Use one of*
    ...    Search Defects    Status    Sideways    Open

An Unknown Id Is Not Found
    [Documentation]    404 for an unknown id.
    Run Keyword And Expect Error    NotFound: *answered 404*
    ...    Get Release    00000000-0000-4000-8000-000000000000


*** Keywords ***
Act As A Throw-Away User
    [Documentation]    Adds a user of this suite's own (of this process, under pabot) to both
    ...    products and logs in as it until the suite ends.
    FOR    ${product}    IN    Plutora    Plutora Test
        Add Simulator User    ${USER}    ${PASSWORD}    ${product}
        Use Plutora User    ${USER}    ${PASSWORD}    ${product}
    END

Grants Of
    [Documentation]    How many Plutora tokens the simulator granted to ``user`` so far.
    [Arguments]    ${user}
    ${counters}    Get Simulator Counters
    RETURN    ${counters}[tokenGrantsByUser][plutora:${user}]
