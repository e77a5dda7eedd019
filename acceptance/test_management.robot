*** Settings ***
Documentation     Plutora Test beyond defects, as a QA lead writes it: the test cases of a
...               requirement with their last execution, a bulk change of the priority of a
...               release's open defects (a dry run, the change, a check), and tests tagged
...               with the items they cover: Allure links to them, checked to exist.
...
...               The library is imported with the UI's address and link checks on (a new
...               instance, pointed at the run's simulator, whose seeded items the tests name).

Library           Collections
Library           PlutoraLibrary    test_ui_url=https://acme.plutora.example/test    check_links=True

Suite Setup       Use Plutora Simulator    %{PLUTORA_SIMULATOR_URL}
Suite Teardown    Close Plutora Connections

Test Tags         simulator    test-management


*** Test Cases ***
The Test Cases Of A Requirement Are Found With Their Last Execution
    [Documentation]    A requirement names its test cases; one search reads them all with
    ...    their execution summaries.
    [Tags]    requirement:req-0003
    ${requirement}    Get Requirement    REQ-0003
    ${ids}    Evaluate    ",".join($requirement["TestCaseIds"])
    ${cases}    Search Test Cases    Id    IsWithin    ${ids}    execution_summary=True    all_pages=True
    Length Should Be    ${cases}    ${{ len($requirement["TestCaseIds"]) }}
    FOR    ${case}    IN    @{cases}
        List Should Contain Value    ${case}[RequirementIds]    ${requirement}[Id]
        VAR    ${last}    ${case}[ExecutionSummary]
        Log
        ...    ${case}[DisplayId]: ${last}[LastExecutionStatus] on ${last}[LastExecutionDate] by ${last}[LastExecutedBy]
        Should Be Equal As Integers
        ...    ${last}[TotalRuns]
        ...    ${{ $last['Passed'] + $last['Failed'] + $last['Blocked'] }}
    END

The Open Defects Of A Release Get A Higher Priority In One Bulk Update
    [Documentation]    A dry run shows what would change, the update changes exactly that
    ...    and reads a sample back, and no open defect of the release is left behind.
    ${open}    Search Defects    Status    Equals    Open    page_size=100
    ${release}    Evaluate    next(d["ReleaseId"] for d in $open if d["ReleaseId"])
    ${preview}    Bulk Update Defects    Status    Equals    Open    AND    ReleaseId    Equals    ${release}
    ...    Priority=Critical    dry_run=True
    Should Be True    ${preview}[count] > 0    msg=No open defect in release ${release}.
    ${done}    Bulk Update Defects    Status    Equals    Open    AND    ReleaseId    Equals    ${release}
    ...    Priority=Critical    verify=True
    Should Be Equal    ${done}[count]    ${preview}[count]
    Lists Should Be Equal    ${done}[ids]    ${preview}[ids]
    Should Not Be Empty    ${done}[verified]
    ${left}    Search Defects    Status    Equals    Open    AND    ReleaseId    Equals    ${release}
    ...    AND    Priority    NotEquals    Critical
    Should Be Empty    ${left}

A Property That Cannot Be Changed Stops The Bulk Update Before Anything Is Sent
    [Documentation]    The writable properties are checked first.
    Run Keyword And Expect Error    ValidationFailed: *'DisplayId' is read-only*Nothing was sent*
    ...    Bulk Update Test Cases    Status    Equals    Draft    DisplayId=TC-1

A Test Tagged With The Items It Covers Links To Them
    [Documentation]    ``tms:`` and ``issue:`` tags become Allure links to the items in the
    ...    Plutora Test UI (with the allure_robotframework listener), and are checked to exist.
    [Tags]    tms:tc-0012    issue:def-0042
    ${case}    Get Test Case    TC-0012
    Should Be Equal    ${case}[DisplayId]    TC-0012
    ${plans}    Search Test Plans    Status    Equals    Active
    Should Not Be Empty    ${plans}
    ${settings}    Search Category Settings    EntityType    Equals    TestCase
    ${names}    Evaluate    sorted(s["Name"] for s in $settings)
    Lists Should Be Equal    ${names}    ${{ ["Priority", "Status", "Type"] }}
