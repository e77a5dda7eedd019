*** Settings ***
Documentation    Environment groups and booking requests as a provisioning pipeline drives
...              them (the vendor's Cypress environment-map flow and its AWS CloudFormation
...              scripts): the run's environments grouped and connected, an Approved AWS
...              booking request Completed with its bookings following, a move that is not
...              allowed refused before sending, and the bookings under way at a moment.

Library          Collections
Library          PlutoraLibrary

Test Teardown    Delete Created Items


*** Test Cases ***
The Run's Environments Are Grouped And Connected
    [Documentation]    The environment-map flow: a group of two environments, a connectivity
    ...    between them, a third environment added (read back), the group torn down.
    VAR    ${name}    RUN-${{ secrets.token_hex(3) }}    # unique however often it runs
    ${sit1}    Get Id By Name    environments    SIT1
    ${sit2}    Get Id By Name    environments    SIT2
    ${group}    Group And Connect    ${name}    ${sit1}    ${sit2}
    ${uat1}    Get Id By Name    environments    UAT1
    ${group}    Update Environment Group    ${group}[id]    ${sit1}    ${sit2}    ${uat1}
    ...    description=Built for ${name}    verify=${True}
    Length Should Be    ${group}[environmentIDs]    3
    Run Keyword And Expect Error    *already connected*
    ...    Connect Environments    ${group}[id]    ${sit1}    ${sit2}
    Delete Environment Group    ${group}[id]
    Environment Group Should Be Gone    ${name}

An Approved AWS Booking Request Is Completed And Its Bookings Follow
    [Documentation]    The CloudFormation script's flow: the Approved TEBRs of type AWS
    ...    Environment, the first one Completed once its stack is up (the stack's name in the
    ...    description); its bookings stay Approved.
    ${approved}    Search TEBRs    status    Equals    Approved    AND    type    Equals    AWS Environment
    Skip If    not $approved    No Approved AWS Environment TEBR is left on this site.
    ${tebr}    Set TEBR Status    ${approved}[0][id]    Completed    verify=${True}
    ...    description={"StackName": "Plutora-acceptance"}
    Should Be Equal    ${tebr}[status]    Completed
    ${bookings}    Get TEBR Bookings    ${tebr}[id]
    FOR    ${booking}    IN    @{bookings}
        Should Be Equal    ${booking}[status]    Approved
    END

A Submitted Booking Request Is Approved And A Cancelled One Stays Cancelled
    [Documentation]    Approving a TEBR approves its bookings, stamped with the user; a
    ...    Cancelled TEBR cannot be approved, and nothing is sent.
    ${submitted}    Search TEBRs    status    Equals    Submitted
    Skip If    not $submitted    No Submitted TEBR is left on this site: each run approves one.
    Set TEBR Status    ${submitted}[0][id]    Approved
    ${login}    Get Current User
    ${me}    Get Id By Name    users    ${login}
    Bookings Should Be Approved By    ${submitted}[0][id]    ${me}
    ${cancelled}    Search TEBRs    status    Equals    Cancelled
    Skip If    not $cancelled    No Cancelled TEBR on this site.
    Run Keyword And Expect Error    *cannot go from Cancelled to Approved*Cancelled is a final status*
    ...    Set TEBR Status    ${cancelled}[0][id]    Approved

The Bookings Under Way At A Moment Are Listed
    [Documentation]    The bookings notebook: bookings whose window holds a moment, and the
    ...    bookings of one environment.
    VAR    ${moment}    2026-01-01T09:00:00
    ${now}    Get Bookings    `startDate` <= `${moment}` AND `endDate` >= `${moment}`
    FOR    ${booking}    IN    @{now}
        Should Be True    $booking['startDate'] <= $moment <= $booking['endDate']
    END
    ${dev1}    Get Id By Name    environments    DEV1
    ${mine}    Get Bookings    `environmentId` Equals `${dev1}`
    FOR    ${booking}    IN    @{mine}
        Should Be Equal    ${booking}[environmentId]    ${dev1}
    END


*** Keywords ***
Group And Connect
    [Documentation]    A new group of two environments, connected over HTTPS both ways.
    [Arguments]    ${name}    ${source}    ${target}
    ${group}    Create Environment Group    ${name}    ${source}    ${target}    isAutoApproved=${True}
    ${link}    Connect Environments    ${group}[id]    ${source}    ${target}    HTTPS    InAndOut
    Should Be Equal    ${link}[direction]    InAndOut
    ${links}    Get Environment Connectivities    ${group}[id]
    Length Should Be    ${links}    1
    RETURN    ${group}

Bookings Should Be Approved By
    [Documentation]    Every booking of the TEBR is Approved, its status moved by the user.
    [Arguments]    ${tebr_id}    ${user_id}
    ${bookings}    Get TEBR Bookings    ${tebr_id}
    Should Not Be Empty    ${bookings}
    FOR    ${booking}    IN    @{bookings}
        Should Be Equal    ${booking}[status]    Approved
        Should Be Equal    ${booking}[statusUpdaterId]    ${user_id}
    END

Environment Group Should Be Gone
    [Documentation]    No environment group has the name.
    [Arguments]    ${name}
    ${left}    Get Environment Groups    `name` Equals `${name}`
    Should Be Empty    ${left}
