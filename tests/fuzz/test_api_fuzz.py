"""schemathesis over every /api/v1 operation: no 5xx, and responses as the document says.

Runs with `make fuzz` (in .ci/run), not with `make test`. Each operation is driven by
Hypothesis from its own strategy (schemathesis' pytest plugin does not load under this pytest),
once with each role's Bearer token: a factory owner's (FUZZ_EXAMPLES cases per operation), a
worker's and a moderator's (half as many each: their refusals are mostly the same early 403s).
"""

import os

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)

from .conftest import CASES, ROLES

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "60"))
# Share of EXAMPLES per role: the owner's token reaches the most code.
SHARE = {"owner": 1.0, "worker": 0.5, "moderator": 0.5}
# The same cases every run by default, so that what passes here passes in CI; FUZZ_RANDOM=1
# explores new ones (and should be run now and then to find what the fixed cases miss).
DERANDOMIZE = os.environ.get("FUZZ_RANDOM") != "1"
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _operations(app):
    """Every operation; revoking tokens last, since the fuzzer may revoke its own token."""
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    only = os.environ.get("FUZZ_ONLY")
    if only:
        operations = [o for o in operations if only in o.path]
    return sorted(operations, key=lambda o: (o.method.upper() == "DELETE", o.path))


@pytest.mark.parametrize("role", list(ROLES))
def test_every_operation_holds_under_generated_input(fuzz_app, role):
    headers = {"Authorization": f"Bearer {fuzz_app.config['FUZZ_TOKENS'][role]}"}
    examples = max(1, round(EXAMPLES * SHARE[role]))
    operations = _operations(fuzz_app)
    assert len(operations) >= (1 if os.environ.get("FUZZ_ONLY") else 20)
    failures = []
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(
            max_examples=examples,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=DERANDOMIZE,
        )
        def run(case):
            CASES[role] += 1
            case.call_and_validate(headers=headers, checks=CHECKS)

        try:
            run()
        except Exception as error:  # keep going: report every operation that fails
            failures.append(f"{operation.method.upper()} {operation.path}: {error!r}")
    assert not failures, "\n\n".join(failures)
