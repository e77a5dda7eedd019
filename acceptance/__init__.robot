*** Settings ***
Documentation     The product's acceptance gate.
...
...               Where it runs: the embedded simulator, started for the run; a simulator
...               already running at ``PLUTORA_SIMULATOR_URL`` (e.g. ``plutora sim``, shared by
...               parallel processes); or, only when asked with ``--variable TARGET:site``, the
...               real site that ``PLUTORA_REGION`` or ``PLUTORA_API_URL`` and the credentials
...               name. The suite writes (it copies releases and patches defects), so a site is
...               never used by accident. Suites that need the simulator's controls carry the
...               tag ``simulator``: exclude them against a site with ``--exclude simulator``.

Library           OperatingSystem
Library           PlutoraLibrary

Suite Setup       Choose Where The Suite Runs
Suite Teardown    Close Plutora Connections


*** Variables ***
${TARGET}    simulator


*** Keywords ***
Choose Where The Suite Runs
    [Documentation]    The embedded simulator, a running one, or (asked for) a real site.
    ${simulator}    Get Environment Variable    PLUTORA_SIMULATOR_URL    ${EMPTY}
    IF    $TARGET == 'site'
        ${site}    Get Environment Variable    PLUTORA_API_URL    region %{PLUTORA_REGION=unset}
        Log To Console    Running against a real site (${site}): these tests write to it.
        RETURN
    ELSE IF    $TARGET != 'simulator'
        Fail    TARGET must be simulator (the default) or site, not '${TARGET}'.
    END
    IF    $simulator
        Use Plutora Simulator    ${simulator}
    ELSE
        ${urls}    Start Plutora Simulator
        VAR    ${simulator}    ${urls}[base]
    END
    # For suites that import the library with settings of their own (a new instance).
    Set Environment Variable    PLUTORA_SIMULATOR_URL    ${simulator}
