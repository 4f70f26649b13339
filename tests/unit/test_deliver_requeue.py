"""An editor's approval whose delivery failed transiently is queued for the next run; other outcomes are not."""

from __future__ import annotations

import pytest

from adapters.errors import TransientError
from adapters.worklog import MemoryWorkLog
from services.deliver import DeliveryRecord, raise_if_retryable, requeue_retryable


def _rec(state: str, retryable: bool = False) -> DeliveryRecord:
    return DeliveryRecord(story_id="s1", partner="p", language="id", version=3, state=state, detail="503",
                          retryable=retryable)


def test_a_transient_failure_is_queued_due_at_once() -> None:
    work = MemoryWorkLog()
    assert requeue_retryable(work, "s1", 3, [_rec("delivered"), _rec("failed", retryable=True)])
    assert work.pending() == [("s1", 3)]
    assert work.claim_due(60) == ["s1"]


@pytest.mark.parametrize("records", [[_rec("delivered")], [_rec("failed")], []])
def test_delivered_or_permanently_failed_is_not_queued(records: list[DeliveryRecord]) -> None:
    work = MemoryWorkLog()
    assert not requeue_retryable(work, "s1", 3, records)
    assert work.pending() == []


def test_raise_if_retryable_names_the_partner_and_cause() -> None:
    raise_if_retryable([_rec("delivered"), _rec("failed")])  # permanent: reported, not raised
    with pytest.raises(TransientError, match=r"p/id v3: 503"):
        raise_if_retryable([_rec("failed", retryable=True)])
