*** Settings ***
Documentation    Keyword against direct core call: ``Get Release``, ``Search Defects`` and
...              ``Search Changes`` in Robot, then the same core calls made from Python
...              directly, in the same kind of Robot loop and in a tight Python loop, in
...              alternating rounds of one run.

Library          PlutoraLibrary
Library          KeywordBench.py


*** Variables ***
${ROUNDS}      7
${CALLS}       300
${SEARCHES}    60


*** Test Cases ***
Keyword Against Core
    [Documentation]    Each round times the keyword and direct calls, then the reference loops.
    Use Plutora Simulator    %{PLUTORA_SIMULATOR_URL}
    ${releases}    Get Releases
    VAR    ${release_id}    ${releases}[0][id]
    Get Release    ${release_id}
    FOR    ${round}    IN RANGE    ${ROUNDS}
        One Round    ${release_id}    keyword_first=${{$round % 2 == 0}}
    END


*** Keywords ***
One Round
    [Documentation]    Keyword and direct calls in pairs (which goes first alternates by
    ...    round, so that a pause left by earlier work, such as a full garbage collection,
    ...    falls on either side alike), then the thinnest keyword and the tight Python loops.
    [Arguments]    ${release_id}    ${keyword_first}
    IF    ${keyword_first}
        Time Release Pairs Keyword First    ${release_id}
        Time Search Pairs Keyword First
    ELSE
        Time Release Pairs Direct First    ${release_id}
        Time Search Pairs Direct First
    END
    Record Direct Calls
    Time Bare Keyword Calls    ${release_id}
    Time Core Release Calls    ${release_id}    ${CALLS}
    Time Core Release Calls    ${release_id}    ${CALLS}    logged=True
    Time Core Search Calls    ${SEARCHES}
    Time Core Search Calls    ${SEARCHES}    logged=True

Time Release Pairs Keyword First
    [Documentation]    ``CALLS`` pairs: the keyword, then the same core call made directly.
    [Arguments]    ${release_id}
    FOR    ${_}    IN RANGE    ${CALLS}
        Get Release    ${release_id}
        Direct Release    ${release_id}
    END

Time Release Pairs Direct First
    [Documentation]    ``CALLS`` pairs: the direct core call, then the keyword.
    [Arguments]    ${release_id}
    FOR    ${_}    IN RANGE    ${CALLS}
        Direct Release    ${release_id}
        Get Release    ${release_id}
    END

Time Search Pairs Keyword First
    [Documentation]    ``SEARCHES`` pairs of defect searches (a page of 25), then as many of
    ...    change searches (a page of 100): the keyword first.
    FOR    ${_}    IN RANGE    ${SEARCHES}
        Search Defects    page_size=25
        Direct Search Defects
    END
    FOR    ${_}    IN RANGE    ${SEARCHES}
        Search Changes    page_size=100
        Direct Search Changes
    END

Time Search Pairs Direct First
    [Documentation]    The same pairs, the direct call first.
    FOR    ${_}    IN RANGE    ${SEARCHES}
        Direct Search Defects
        Search Defects    page_size=25
    END
    FOR    ${_}    IN RANGE    ${SEARCHES}
        Direct Search Changes
        Search Changes    page_size=100
    END

Time Bare Keyword Calls
    [Documentation]    ``CALLS`` calls of the thinnest keyword around the same core call.
    [Arguments]    ${release_id}
    FOR    ${_}    IN RANGE    ${CALLS}
        Bare Keyword Release    ${release_id}
    END
