*** Settings ***
Documentation     The product's acceptance gate.
...
...               Starts the embedded Plutora simulator (``plutora sim``) for the whole run
...               and publishes its URLs as global variables, unless ``PLUTORA_API_URL``
...               points at a real site.

Library           OperatingSystem
Library           Process
Resource          resources/simulator.resource

Suite Setup       Start Simulator Unless A Site Is Configured
Suite Teardown    Stop Simulator If Started
