"""Kawat's use cases — ingest, localize, deliver, kill, review — written against ports, never Prefect.

Each function takes a `services.ports.Context` (the composition root's Container satisfies it; unit
tests build one from fakes with `flows.bootstrap.bootstrap(..., stories=…, clock=…)`).
"""
