*** Settings ***
Documentation    Changes made in the suite setup last for the suite; in a test, for the test
...              unless ``scope=Suite`` or ``scope=Global``.

Resource         common.resource

Suite Setup      Make Changes For The Suite


*** Test Cases ***
A Test's Changes Apply During The Test
    [Documentation]    A user switch, a setting and a fault made in a test apply at once.
    Should Be Current User    suite@example.com
    Use Plutora User    test@example.com    ${PASSWORD}
    Should Be Current User    test@example.com
    Set Simulator Settings    rateLimit=2000
    Inject Fault    /scope-test-fault$

They Are Undone When It Ends
    [Documentation]    The previous test's changes were undone: the suite's user and rate limit again.
    Should Be Current User    suite@example.com
    Should Have Rate Limit    1000

Suite Scope In A Test Outlives The Test
    [Documentation]    Changes with ``scope=Suite`` made in a test.
    Use Plutora User    later@example.com    ${PASSWORD}    scope=Suite
    Set Simulator Settings    rateLimit=3000    scope=Suite
    Inject Fault    /scope-suite-fault$    scope=Suite

And Applies To The Next Test
    [Documentation]    The previous test's ``scope=Suite`` changes still apply.
    Should Be Current User    later@example.com
    Should Have Rate Limit    3000

Global Scope Outlives The Suite
    [Documentation]    Changes with ``scope=Global``: 02_after.robot checks them.
    Use Plutora User    global@example.com    ${PASSWORD}    scope=global
    Set Simulator Settings    rateWindowSeconds=120    scope=GLOBAL
    Inject Fault    /scope-global-fault$    scope=Global


*** Keywords ***
Make Changes For The Suite
    [Documentation]    Switches user and changes a setting in the suite setup: they last
    ...    for the suite.
    Use Plutora User    suite@example.com    ${PASSWORD}
    Set Simulator Settings    rateLimit=1000
    Inject Fault    /scope-suite-setup-fault$
