*** Settings ***
Documentation     A read-only run against a site: the library imported with ``read_only=True``
...               reads as usual and refuses every call that could change the site before it
...               is sent, a copy included. Safe against a real site (``--variable TARGET:site``).

Library           OperatingSystem
Library           PlutoraLibrary    read_only=${True}

Suite Setup       Use The Run's Simulator If Any
Suite Teardown    Close Plutora Connections


*** Test Cases ***
Reads And Searches Go Through
    [Documentation]    GETs and searches change nothing: they are sent.
    ${releases}    Get Releases
    Should Not Be Empty    ${releases}
    ${found}    Search Releases    plutoraReleaseType    Equals    Independent    page_size=5
    Should Not Be Empty    ${found}
    ${systems}    Call Plutora API    GET    systems
    Should Be Equal As Integers    ${systems.status}    200

A Copy Is Refused Before It Is Sent
    [Documentation]    The copy's POST never leaves the machine; the error says why and
    ...    what to change.
    ${drafts}    Get Releases    `plutoraReleaseType` Equals `Independent` AND `releaseStatusType` Equals `Draft`
    Run Keyword And Expect Error    ReadOnlyRefused: POST /releases was not sent: this run is read-only*
    ...    Copy Release    ${drafts}[0][id]    name=Never sent    identifier=NEVER-SENT
    ${copies}    Get Releases    `identifier` Equals `NEVER-SENT`
    Should Be Empty    ${copies}

Any Write Through Call Plutora API Is Refused
    [Documentation]    PUT, POST, PATCH and DELETE alike.
    ${hosts}    Get Hosts
    VAR    ${layer}    ${hosts}[0][layers][0]
    FOR    ${method}    IN    PUT    POST    PATCH    DELETE
        Run Keyword And Expect Error    ReadOnlyRefused: ${method} /layers/* was not sent*
        ...    Call Plutora API    ${method}    layers/${layer}[id]    json=${layer}
    END


*** Keywords ***
Use The Run's Simulator If Any
    [Documentation]    This library instance (imported read-only) is pointed at the run's
    ...    simulator when the run has one; against a site it reads the site.
    ${simulator}    Get Environment Variable    PLUTORA_SIMULATOR_URL    ${EMPTY}
    IF    $simulator    Use Plutora Simulator    ${simulator}
