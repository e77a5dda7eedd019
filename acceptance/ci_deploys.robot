*** Settings ***
Documentation    What a CI pipeline writes after a deploy (the vendor's Jenkins demo and the
...              health-check notebook): the deployed version recorded on the environment's
...              layer, a health check posted with its log, and an environment built for the
...              run, changed and torn down.

Library          Collections
Library          OperatingSystem
Library          PlutoraLibrary


*** Variables ***
${ENVIRONMENT}    UAT1


*** Test Cases ***
A Deploy Records Its Version On A Layer And Posts A Health Check With Its Log
    [Documentation]    The Jenkins demo: find the environment by name, read the deployed
    ...    component's layer, record the new version on it; then the health-check notebook:
    ...    post the smoke test's result with its log, and see it as the current status.
    VAR    ${build}    ${{ secrets.token_hex(3) }}    # unique however often it runs
    ${environment_id}    Get Id By Name    environments    ${ENVIRONMENT}
    Record The Deployed Version    ${environment_id}    3.1.${build}
    ${after}    Get Environment    ${environment_id}
    Should Be Equal    ${after}[hosts][0][layers][0][version]    3.1.${build}
    Create File    ${OUTPUT_DIR}/smoke-${build}.log    GET /health 200\nbuild ${build} is healthy\n
    ${check}    Post Health Check    ${environment_id}    Online    smoke ${build}
    ...    log_file=${OUTPUT_DIR}/smoke-${build}.log
    Should Be Equal    ${check}[logFileName]    smoke-${build}.log
    ${ours}    Current Health Of Test    ${environment_id}    smoke ${build}
    Should Be Equal    ${ours}[id]    ${check}[id]

A Failed Smoke Test Marks The Environment Offline
    [Documentation]    A check that failed posts health 2 (Offline): the history shows it first.
    VAR    ${build}    ${{ secrets.token_hex(3) }}
    ${environment_id}    Get Id By Name    environments    ${ENVIRONMENT}
    ${check}    Post Health Check    ${environment_id}    2    failed smoke ${build}
    ${history}    Get Health History    ${environment_id}
    ${ours}    Evaluate    [c for c in $history if c['testName'] == 'failed smoke ${build}']
    Should Be Equal    ${ours}[0][healthName]    Offline
    Should Be Equal    ${ours}[0][id]    ${check}[id]

An Environment Is Built For The Run, Changed And Torn Down
    [Documentation]    The primer's solution: create an environment and a host, change them
    ...    (verified by reading back), then delete them.
    VAR    ${name}    CI-${{ secrets.token_hex(3) }}
    ${environment}    Create An Active Dev Environment    ${name}
    ${host}    Create Host    ${environment}[id]    ${name}-web-1
    ${changed}    Update Environment    ${environment}[id]    description=Built by the pipeline
    ...    verify=${True}
    Should Be Equal    ${changed}[hosts][0][id]    ${host}[id]
    ${renamed}    Rename Host    ${host}[id]    ${name}-web-01    verify=${True}
    Should Be Equal    ${renamed}[name]    ${name}-web-01
    Delete Environment    ${environment}[id]
    Run Keyword And Expect Error    NotFound: *    Get Host    ${host}[id]

A Health Check With A Health Out Of Range Is Refused Before Sending
    [Documentation]    Health is 0-3 (or its name): anything else fails with advice and
    ...    nothing is sent.
    ${environment_id}    Get Id By Name    environments    ${ENVIRONMENT}
    Run Keyword And Expect Error    *0 (Unknown), 1 (Online), 2 (Offline) or 3 (Issue)*
    ...    Post Health Check    ${environment_id}    Green    smoke


*** Keywords ***
Record The Deployed Version
    [Documentation]    The Jenkins demo's step: GET the first layer of the environment's first
    ...    host, set its version, PUT the whole layer back (204).
    [Arguments]    ${environment_id}    ${version}
    ${environment}    Get Environment    ${environment_id}
    VAR    ${layer}    ${environment}[hosts][0][layers][0]
    ${read}    Call Plutora API    GET    layers/${layer}[id]
    VAR    &{deployed}    &{read.json}    version=${version}
    ${answer}    Call Plutora API    PUT    layers/${layer}[id]    json=${deployed}
    Should Be Equal    ${answer.status}    ${204}

Current Health Of Test
    [Documentation]    The current status of one test of an environment (exactly one).
    [Arguments]    ${environment_id}    ${check_name}
    ${current}    Get Current Health    ${environment_id}
    ${ours}    Evaluate    [c for c in $current if c['testName'] == '${check_name}']
    Length Should Be    ${ours}    1
    RETURN    ${ours}[0]

Create An Active Dev Environment
    [Documentation]    An environment used for Dev, Active, not shared.
    [Arguments]    ${name}
    ${dev}    Get Lookup Id    UsedForWorkItem    Dev
    ${active}    Get Lookup Id    EnvironmentStatus    Active
    ${environment}    Create Environment    ${name}    usageWorkItemId=${dev}
    ...    environmentStatusId=${active}    isSharedEnvironment=${False}
    RETURN    ${environment}
