"""Fault tests: real processes and connections killed or starved; run by `make faults`."""
