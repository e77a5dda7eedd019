"""robotframework-plutora: QA automation for the Plutora and Plutora Test APIs.

The Robot Framework keyword library will live here; the embedded simulator is in
:mod:`PlutoraLibrary.simulator`.
"""

__version__ = "0.1.0"
