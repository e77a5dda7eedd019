*** Settings ***
Documentation    Peer benchmark: ``Get Release`` against RequestsLibrary's ``GET On Session`` of the
...              same URL with a bearer header, in pairs, in alternating rounds of one run.

Library          PlutoraLibrary
Library          RequestsLibrary


*** Variables ***
${ROUNDS}    7
${CALLS}     300


*** Test Cases ***
Keyword Against Peer
    [Documentation]    Each round times ``CALLS`` pairs; which goes first alternates by round.
    Use Plutora Simulator    %{PLUTORA_SIMULATOR_URL}
    ${releases}    Get Releases
    VAR    ${release_id}    ${releases}[0][id]
    # The bearer token ends up in clear in output.xml (the VAR and Create Session lines): fine
    # here only, because it is the local simulator's token and bench_peer.py writes the output
    # to a temporary folder it deletes. Never copy this into a suite that talks to Plutora.
    ${token}    Get Token
    VAR    &{headers}    Authorization=bearer ${token.value}
    Create Session    peer    %{PLUTORA_API_URL}    headers=${headers}
    Get Release    ${release_id}
    GET On Session    peer    /releases/${release_id}
    FOR    ${round}    IN RANGE    ${ROUNDS}
        IF    $round % 2 == 0
            Time Pairs Keyword First    ${release_id}
        ELSE
            Time Pairs Peer First    ${release_id}
        END
    END


*** Keywords ***
Time Pairs Keyword First
    [Documentation]    ``CALLS`` pairs: the library's keyword, then the peer's.
    [Arguments]    ${release_id}
    FOR    ${_}    IN RANGE    ${CALLS}
        Get Release    ${release_id}
        GET On Session    peer    /releases/${release_id}
    END

Time Pairs Peer First
    [Documentation]    ``CALLS`` pairs: the peer's keyword, then the library's.
    [Arguments]    ${release_id}
    FOR    ${_}    IN RANGE    ${CALLS}
        GET On Session    peer    /releases/${release_id}
        Get Release    ${release_id}
    END
