*** Settings ***
Documentation    The vendor help pages' manual flows against the embedded simulator:
...              token, current user, copy a release (and the End State rule), search and
...              patch a defect, the Swagger page.

Resource         resources/raw_http.resource

Test Tags        simulator


*** Test Cases ***
A Token Opens The API And Me Answers The User
    [Documentation]    Help page step 3: the token, then ``GET /me`` answers the user's e-mail.
    ${headers}    Bearer Header For    ${PLUTORA_TOKEN_URL}    ${DEMO_CLIENT_ID}    ${DEMO_CLIENT_SECRET}
    ${me}    Call Api    GET    ${PLUTORA_API_URL}/me    ${headers}
    Should Be Equal    ${me.json()}    ${DEMO_USERNAME}

A Wrong Client Secret Is Refused With The Help Page's Message
    [Documentation]    The help page's ``invalid_grant`` troubleshooting case.
    ${answer}    Request Token    ${PLUTORA_TOKEN_URL}    ${DEMO_CLIENT_ID}    not-the-secret
    Should Be Equal As Integers    ${answer.status_code}    400
    Should Be Equal    ${answer.json()}[error]    invalid_grant
    Should Be Equal    ${answer.json()}[error_description]    The client_id or client_secret is incorrect.

A Release Is Copied By Posting It Back With A New Name
    [Documentation]    Help page: GET a release, change its name, POST it: 201 and a new id.
    ${headers}    Bearer Header For    ${PLUTORA_TOKEN_URL}    ${DEMO_CLIENT_ID}    ${DEMO_CLIENT_SECRET}
    ${source}    Find Release    ${headers}    Independent    Draft
    ${copy}    Evaluate    {**$source, "name": $source["name"] + " Copy", "identifier": "ACC-COPY-1"}
    ${created}    Call Api    POST    ${PLUTORA_API_URL}/releases    ${headers}    json=${copy}
    ...    expected_status=201
    Should Not Be Equal    ${created.json()}[id]    ${source}[id]
    ${found}    Call Api    GET    ${PLUTORA_API_URL}/releases/${created.json()}[id]    ${headers}
    Should Be Equal    ${found.json()}[name]    ${source}[name] Copy

A Release In An End State Cannot Be Copied
    [Documentation]    Business logic for POST /releases: the status must not be an end state.
    ${headers}    Bearer Header For    ${PLUTORA_TOKEN_URL}    ${DEMO_CLIENT_ID}    ${DEMO_CLIENT_SECRET}
    ${source}    Find Release    ${headers}    Integrated    Complete
    ${copy}    Evaluate    {**$source, "identifier": "ACC-COPY-2"}
    ${refused}    Call Api    POST    ${PLUTORA_API_URL}/releases    ${headers}    json=${copy}
    ...    expected_status=400
    Should Be Equal    ${refused.json()}[modelState][internalServerValidationError][0]
    ...    Release Status 'Complete' is an End State.

A Defect Is Found, Patched And Read Back
    [Documentation]    Swagger page 5b: search defects, PATCH name and description, read back.
    ${headers}    Bearer Header For    ${PLUTORA_TEST_TOKEN_URL}    ${DEMO_TEST_CLIENT_ID}
    ...    ${DEMO_TEST_CLIENT_SECRET}
    ${filter}    Evaluate    {"SearchFilters": [{"Property": "Status", "Operator": "Equals", "Value": "Open"}]}
    ${page}    Call Api    POST    ${PLUTORA_TEST_API_URL}/defects/search    ${headers}    json=${filter}
    Length Should Be    ${page.json()}[Data][ResultSet]    25
    VAR    ${defect}    ${page.json()}[Data][ResultSet][0]
    VAR    &{delta}
    ...    Name=Swagger Example 111
    ...    Description=This description was changed with the help of Swagger.
    Call Api    PATCH    ${PLUTORA_TEST_API_URL}/defects/${defect}[Id]    ${headers}    json=${delta}
    ${read}    Call Api    GET    ${PLUTORA_TEST_API_URL}/defects/${defect}[Id]    ${headers}
    Should Be Equal    ${read.json()}[Data][Name]    Swagger Example 111

The Swagger Page Works Offline
    [Documentation]    The interactive page and its assets come from the simulator itself.
    ${page}    Evaluate    requests.get($SIMULATOR_URLS["swagger_url"], timeout=10)    modules=requests
    Should Be Equal As Integers    ${page.status_code}    200
    Should Contain    ${page.text}    /swagger-ui/swagger-ui-bundle.js


*** Keywords ***
Find Release
    [Documentation]    The full record of the first release of ``type`` in ``status``.
    [Arguments]    ${headers}    ${type}    ${status}
    VAR    ${expression}    `plutoraReleaseType` = `${type}` AND `releaseStatusType` = `${status}`
    VAR    &{params}    filter=${expression}
    ${list}    Evaluate    requests.get($PLUTORA_API_URL + "/releases", params=$params, headers=$headers, timeout=10)
    ...    modules=requests
    VAR    ${summary}    ${list.json()}[0]
    ${release}    Call Api    GET    ${PLUTORA_API_URL}/releases/${summary}[id]    ${headers}
    RETURN    ${release.json()}
