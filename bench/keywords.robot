*** Settings ***
Documentation    Keyword against direct core call: ``Get Release`` in Robot, then the same
...              ``PlutoraClient.release`` from Python, in alternating rounds of one run.

Library          PlutoraLibrary
Library          KeywordBench.py


*** Variables ***
${ROUNDS}    5
${CALLS}     300


*** Test Cases ***
Keyword Against Core
    [Documentation]    Each round times the keyword loop and the direct loop.
    Use Plutora Simulator    %{PLUTORA_SIMULATOR_URL}
    ${releases}    Get Releases
    VAR    ${release_id}    ${releases}[0][id]
    Get Release    ${release_id}
    FOR    ${_}    IN RANGE    ${ROUNDS}
        Time Keyword Calls    ${release_id}
        Time Bare Keyword Calls    ${release_id}
        Time Core Release Calls    ${release_id}    ${CALLS}
        Time Core Release Calls    ${release_id}    ${CALLS}    logged=True
    END


*** Keywords ***
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
