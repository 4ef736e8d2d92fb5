// The shared test helpers (Tests/TestSupport), visible in every file of this target.
@_exported import TestSupport
