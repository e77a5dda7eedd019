*** Settings ***
Documentation     The product's acceptance gate.
...
...               Where it runs: a simulator already running at ``PLUTORA_SIMULATOR_URL``
...               (e.g. ``plutora sim``, shared by parallel processes); else a real site when
...               ``PLUTORA_API_URL`` is set; else the embedded simulator, started for the run.
...               Suites that need the simulator's controls carry the tag ``simulator``:
...               exclude them against a real site with ``--exclude simulator``.

Library           OperatingSystem
Library           PlutoraLibrary

Suite Setup       Choose Where The Suite Runs
Suite Teardown    Close Plutora Connections


*** Keywords ***
Choose Where The Suite Runs
    [Documentation]    A running simulator, a real site, or the embedded simulator.
    ${simulator}    Get Environment Variable    PLUTORA_SIMULATOR_URL    ${EMPTY}
    ${site}    Get Environment Variable    PLUTORA_API_URL    ${EMPTY}
    IF    $simulator
        Use Plutora Simulator    ${simulator}
    ELSE IF    $site
        Log    Running against ${site}
    ELSE
        ${urls}    Start Plutora Simulator
        VAR    ${simulator}    ${urls}[base]
    END
    # For suites that import the library with settings of their own (a new instance).
    IF    $simulator
        Set Environment Variable    PLUTORA_SIMULATOR_URL    ${simulator}
    END
