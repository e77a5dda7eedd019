*** Settings ***
Documentation    After the first suite ended: its changes are undone, global ones remain (until
...              the end of the run).

Resource         common.resource


*** Test Cases ***
The Suite's Changes Are Undone And Global Ones Remain
    [Documentation]    The first suite's own changes ended with it; its global ones did not.
    Should Be Current User    global@example.com
    ${settings}    Set Simulator Settings
    Should Be Equal As Integers    ${settings}[rateLimit]    ${RATE_LIMIT}
    Should Be Equal As Numbers    ${settings}[rateWindowSeconds]    120
