*** Settings ***
Documentation    How long a user switch, an injected fault and changed settings last, for
...              each scope (Test, Suite, Global): run by tests/integration/test_scopes.py
...              against the simulator at ``PLUTORA_SIMULATOR_URL``.

Resource         common.resource

Suite Setup      Point At The Simulator


*** Keywords ***
Point At The Simulator
    [Documentation]    Uses the simulator the test started, adds the users the suites switch
    ...    to, and keeps the simulator's settings as they were before any change (global
    ...    variables: the last suite checks that a suite's changes were undone).
    Use Plutora Simulator    %{PLUTORA_SIMULATOR_URL}
    FOR    ${user}    IN    suite    test    later    global
        Add Simulator User    ${user}@example.com    ${PASSWORD}
    END
    ${settings}    Set Simulator Settings
    # robocop: off=VAR04
    VAR    ${RATE_LIMIT}    ${settings}[rateLimit]    scope=GLOBAL
    VAR    ${RATE_WINDOW}    ${settings}[rateWindowSeconds]    scope=GLOBAL
