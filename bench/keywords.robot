*** Settings ***
Documentation    Keyword against direct core call: ``Get Release``, ``Search Defects`` and
...              ``Search Changes`` in Robot, then the same core calls from Python, in
...              alternating rounds of one run.

Library          PlutoraLibrary
Library          KeywordBench.py


*** Variables ***
${ROUNDS}      5
${CALLS}       300
${SEARCHES}    60


*** Test Cases ***
Keyword Against Core
    [Documentation]    Each round times the keyword loop and the direct loop.
    Use Plutora Simulator    %{PLUTORA_SIMULATOR_URL}
    ${releases}    Get Releases
    VAR    ${release_id}    ${releases}[0][id]
    Get Release    ${release_id}
    FOR    ${_}    IN RANGE    ${ROUNDS}
        One Round    ${release_id}
    END


*** Keywords ***
One Round
    [Documentation]    Keyword loops and direct loops, side by side.
    [Arguments]    ${release_id}
    Time Keyword Calls    ${release_id}
    Time Bare Keyword Calls    ${release_id}
    Time Core Release Calls    ${release_id}    ${CALLS}
    Time Core Release Calls    ${release_id}    ${CALLS}    logged=True
    Time Keyword Searches
    Time Core Search Calls    ${SEARCHES}
    Time Core Search Calls    ${SEARCHES}    logged=True

Time Keyword Calls
    [Documentation]    ``CALLS`` keyword calls in a row.
    [Arguments]    ${release_id}
    FOR    ${_}    IN RANGE    ${CALLS}
        Get Release    ${release_id}
    END

Time Bare Keyword Calls
    [Documentation]    ``CALLS`` calls of the thinnest keyword around the same core call.
    [Arguments]    ${release_id}
    FOR    ${_}    IN RANGE    ${CALLS}
        Bare Keyword Release    ${release_id}
    END

Time Keyword Searches
    [Documentation]    ``SEARCHES`` defect searches (a page of 25), then as many change
    ...    searches (a page of 100).
    FOR    ${_}    IN RANGE    ${SEARCHES}
        Search Defects    page_size=25
    END
    FOR    ${_}    IN RANGE    ${SEARCHES}
        Search Changes    page_size=100
    END
