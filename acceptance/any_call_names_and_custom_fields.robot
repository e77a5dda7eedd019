*** Settings ***
Documentation     What the library does not wrap, as a user writes it: a layer's version updated
...               through `Call Plutora API` (the CI step of the vendor's Jenkins demo), a
...               negative test expecting a 404, an id found by its name and used in a filter,
...               custom fields read and set by name (a wrong list item refused before it is
...               sent), and the records the suite created deleted when it ends.

Library           Collections
Library           PlutoraLibrary

Suite Teardown    Delete What The Suite Created


*** Variables ***
# Unique in every run and every pabot process: the suite's own records.
${RUN}    ${{ secrets.token_hex(4) }}


*** Test Cases ***
A Layer's Version Is Updated Through Call Plutora API
    [Documentation]    GET the layer, change its version, PUT it back (204), read it again.
    ${hosts}    Get Hosts
    VAR    ${layer_id}    ${hosts}[0][layers][0][id]
    ${layer}    Call Plutora API    GET    layers/${layer_id}
    VAR    &{body}    &{layer.json}    version=2.4.${RUN}
    ${answer}    Call Plutora API    PUT    layers/${layer_id}    json=${body}
    Should Be Equal As Integers    ${answer.status}    204
    ${again}    Call Plutora API    GET    layers/${layer_id}
    Should Be Equal    ${again}[json][version]    2.4.${RUN}

A Missing Release Answers 404 As The Test Expects
    [Documentation]    A negative test: the 404 is the answer asked for, not a failure.
    ${answer}    Call Plutora API    GET    releases/${{ str(uuid.uuid4()) }}    expected_status=404
    Should Be Equal As Integers    ${answer}[status]    404
    Should Contain    ${answer.json}[message]    was not found
    Run Keyword And Expect Error    NotFound: *was not found*
    ...    Call Plutora API    GET    releases/${{ str(uuid.uuid4()) }}

An Id Found By Name Filters The Hosts
    [Documentation]    No GUID in the test: the environment is named, its id found, and
    ...    the hosts filtered by it.
    ${environment_id}    Get Id By Name    environments    sit1
    ${hosts}    Get Hosts    filter=`environmentID` Equals `${environment_id}`
    Should Not Be Empty    ${hosts}
    FOR    ${host}    IN    @{hosts}
        Should Be Equal    ${host}[environmentID]    ${environment_id}
    END
    ${draft}    Get Lookup Id    ReleaseStatusType    draft
    ${answer}    Call Plutora API    GET    releases
    ...    params={'filter': '`releaseStatusTypeId` Equals `${draft}`'}
    Should Not Be Empty    ${answer.json}
    Run Keyword And Expect Error    NameNotFound: *The closest: 'SIT1'*
    ...    Get Id By Name    environments    SIT 1

Custom Fields Are Read And Set By Name
    [Documentation]    Each value converted to its field's type; a list item by its text.
    ${releases}    Get Releases
    ${release_id}    Get Id By Name    releases    ${releases}[0][identifier]
    Set Custom Fields    release    ${release_id}    Risk Owner=QA    Go-live=2027-01-31
    ...    Story Points=8
    ${owner}    Get Custom Field    release    ${release_id}    risk owner
    Should Be Equal    ${owner}    QA
    ${go_live}    Get Custom Field    release    ${release_id}    Go-live
    Should Be Equal    ${go_live}    2027-01-31
    ${points}    Get Custom Field    release    ${release_id}    Story Points
    Should Be Equal As Integers    ${points}    8

A Wrong List Item Is Refused Before Sending
    [Documentation]    The field's own items are named, and the PUT never reached the site
    ...    (which would have refused it with a 400).
    [Tags]    simulator
    ${releases}    Get Releases
    VAR    ${release_id}    ${releases}[1][id]
    ${before}    Custom Field Writes
    Run Keyword And Expect Error
    ...    CustomFieldRefused: *has no list item 'Nobody'*QA, Development, Operations, Business*
    ...    Set Custom Fields    release    ${release_id}    Risk Owner=Nobody
    ${after}    Custom Field Writes
    Should Be Equal As Integers    ${after}    ${before}

Records The Suite Creates Are Remembered For Deletion
    [Documentation]    A copy and a change created through `Call Plutora API`: both go in
    ...    the suite teardown (newest first: the change before the release).
    ${drafts}    Get Releases    `plutoraReleaseType` Equals `Independent` AND `releaseStatusType` Equals `Draft`
    ${copy}    Copy Release    ${drafts}[0][id]    name=Acceptance copy ${RUN}    identifier=ACC-${RUN}
    Should Be Equal    ${copy}[identifier]    ACC-${RUN}
    ${changes}    Get Changes
    VAR    &{body}    &{changes}[0]    name=Acceptance change ${RUN}
    Remove From Dictionary    ${body}    id    changeId
    ${created}    Call Plutora API    POST    changes    json=${body}    expected_status=201
    Should Be Equal    ${created.json}[name]    Acceptance change ${RUN}


*** Keywords ***
Custom Field Writes
    [Documentation]    How many PUTs of a release's custom fields the simulator refused (400):
    ...    what a wrong list item would get if it were sent. Tests running in parallel send
    ...    valid ones only, so the count is this test's own.
    ${counters}    Get Simulator Counters
    ${route}    Get From Dictionary    ${counters}[requests]
    ...    PUT /plutora/api/releases/{id}/additionalInformation    default=${{ {} }}
    RETURN    ${{ $route.get('400', 0) }}

Delete What The Suite Created
    [Documentation]    `Delete Created Items` (failing if one could not be deleted), then
    ...    checks that nothing the suite created is left.
    ${deleted}    Delete Created Items    fail_on_error=True
    Log    ${deleted}
    ${copies}    Get Releases    `identifier` Equals `ACC-${RUN}`
    Should Be Empty    ${copies}
    ${changes}    Get Changes    `name` Equals `Acceptance change ${RUN}`
    Should Be Empty    ${changes}
