"""Paragraphs of concurrent stories share engine requests: fewer, fuller requests to a metered engine.

A story alone fills its last request only partly (4,700 characters is four 1,500-character requests,
the last a fifth full). Here every caller queues its pieces per (source, target, glossary) and waits;
one sender thread per engine seat takes the oldest queued piece, adds the later ones that fill the
request best, sends it and hands each answer back to its owner, then goes straight on to the next.
Senders own their seats, so a seat never waits for a woken caller to be scheduled (under a busy GIL
that hand-over cost 15% of the engine's time). Nothing waits for a batch to fill: a free seat sends
what is there. One owner's bad text never fails the others (a shared request that fails, refused
or still failing after its retries, is re-sent owner by owner), and an owner whose own request failed
gets the error: all-or-nothing per story holds.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Any

from adapters.errors import KawatError, PermanentError, TransientError
from adapters.translate.base import Guard, Send
from adapters.translate.limits import CallStats
from adapters.translate.segment import JOIN, holds_blank_line

WINDOW = 256  # queued units looked at to top up a request: later pieces wait at most this far behind
CANDIDATES = 48  # units that fit weighed against each other for one request (the choice costs microseconds)


@dataclass(eq=False)
class _Ticket:
    """One caller's share: its outputs as they come back, or the first error one of its requests met."""

    stats: CallStats
    send: Send
    outputs: list[str | None]
    queued: int
    remaining: int
    error: KawatError | None = None
    done: threading.Event = field(default_factory=threading.Event)

    def settle(self, index: int, output: str) -> None:
        if self.outputs[index] is None:
            self.outputs[index] = output
            self.remaining -= 1
        if self.remaining == 0:
            self.done.set()

    def fail(self, exc: KawatError) -> None:
        if self.error is None:
            self.error = exc
        self.done.set()


@dataclass(eq=False)
class _Unit:
    text: str
    ticket: _Ticket
    index: int
    alone: bool  # holds a blank line itself: joined with others it could not be split back
    seq: int  # arrival order across keys: the oldest piece goes first
    key: Hashable
    solo: bool = False  # its shared request failed: it now travels with its own story's pieces only


class RequestPool:
    """Per-engine queue of pieces and one sender thread per seat; safe to call from many threads."""

    IDLE_EXIT = 5.0  # seconds a sender waits for work before it ends (a new one starts on demand)

    def __init__(self, seats: int, limit: int, max_items: int, joinable: bool,
                 guard_for: Callable[[CallStats], Guard[Any]], name: str = "engine") -> None:
        self._seats = max(1, seats)
        self._limit = limit
        self._max_items = max(1, max_items)
        self._joinable = joinable
        self._guard_for = guard_for
        self._name = name
        self._queues: dict[Hashable, deque[_Unit]] = {}
        self._seq = 0
        self._senders: set[threading.Thread] = set()
        self._cond = threading.Condition()

    def translate(self, key: Hashable, units: list[str], send: Send, stats: CallStats) -> list[str]:
        """Outputs for `units` in order; raises the first error any request carrying them met."""
        if not units:
            return []
        ticket = _Ticket(stats, send, [None] * len(units), len(units), len(units))
        with self._cond:
            items = []
            for i, t in enumerate(units):
                self._seq += 1
                items.append(_Unit(t, ticket, i, self._joinable and holds_blank_line(t), self._seq, key))
            self._queues.setdefault(key, deque()).extend(items)
            self._cond.notify_all()
            self._staff()
        while not ticket.done.wait(1.0):
            with self._cond:
                self._staff()  # a sender that died (or a forked child without threads) is replaced
        if ticket.error is not None:
            raise ticket.error
        return [o for o in ticket.outputs if o is not None]

    def _staff(self) -> None:
        """Under the lock: as many live senders as seats while there is work queued."""
        self._senders = {t for t in self._senders if t.is_alive()}
        while self._queues and len(self._senders) < self._seats:
            t = threading.Thread(target=self._sender, name=f"kawat-{self._name}-seat", daemon=True)
            self._senders.add(t)
            t.start()

    def _sender(self) -> None:
        """Hold one seat: send the oldest queued pieces, again and again, until idle for a while."""
        me = threading.current_thread()
        while True:
            with self._cond:
                idle_until = time.monotonic() + self.IDLE_EXIT
                while not self._queues:  # woken for work another seat took: keep waiting, not exit
                    left = idle_until - time.monotonic()
                    if left <= 0:
                        self._senders.discard(me)
                        return
                    self._cond.wait(left)
                key = min(self._queues, key=lambda k: self._queues[k][0].seq)
                batch = self._take(key)
            try:
                self._send(batch)
            except BaseException as exc:  # the thread is going down: its owners must not wait forever
                self._fail(list(dict.fromkeys(u.ticket for u in batch)),
                           TransientError(f"{self._name}: request abandoned ({type(exc).__name__})"))
                raise

    # -- under the lock ----------------------------------------------------------------------
    def _take(self, key: Hashable) -> list[_Unit]:
        """The oldest queued unit, then the later ones (within WINDOW) that together fill the request best."""
        queue = self._queues[key]
        head = queue.popleft()
        batch = [head]
        if not head.alone:
            join = len(JOIN) if self._joinable else 0
            room = self._limit - len(head.text)
            looked: list[_Unit] = []
            fits: list[int] = []  # positions in `looked` of the units that could travel with `head`
            most = min(CANDIDATES, self._max_items - 1)  # so no choice among them passes the item cap
            while queue and len(looked) < WINDOW and len(fits) < most:
                u = queue.popleft()
                mate = u.ticket is head.ticket if head.solo else not u.solo  # solo pieces stay with their story
                if mate and not u.alone and u.ticket.error is None and join + len(u.text) <= room:
                    fits.append(len(looked))
                looked.append(u)
            picked = {fits[i] for i in best_fill([join + len(looked[i].text) for i in fits], room)}
            batch += [u for i, u in enumerate(looked) if i in picked]
            queue.extendleft(reversed([u for i, u in enumerate(looked) if i not in picked]))
        if not queue:
            del self._queues[key]
        for u in batch:
            u.ticket.queued -= 1
        return batch

    def _drop(self, ticket: _Ticket) -> None:
        """A failed owner's pieces still queued are not worth a request."""
        for key, queue in list(self._queues.items()):
            left = deque(u for u in queue if u.ticket is not ticket)
            if left:
                self._queues[key] = left
            else:
                del self._queues[key]
        ticket.queued = 0

    # -- outside the lock --------------------------------------------------------------------
    def _send(self, batch: list[_Unit]) -> None:
        live = [u for u in batch if u.ticket.error is None]
        if not live:
            return
        owners = list(dict.fromkeys(u.ticket for u in live))
        try:
            self._deliver(live, owners[0].send)  # same key, same engine context: any owner's hook will do
        except Exception as exc:
            if len(owners) == 1:
                self._fail(owners, _ours(exc))
            else:  # any owner's text may be what the engine refuses or chokes on: each is tried alone
                self._requeue_solo(live)

    def _requeue_solo(self, units: list[_Unit]) -> None:
        """Back to the front of their queues, each to travel only with pieces of its own story."""
        with self._cond:
            for u in sorted(units, key=lambda u: u.seq, reverse=True):
                if u.ticket.error is not None:  # its story failed meanwhile: nothing to retry for it
                    continue
                u.solo = True
                u.ticket.queued += 1
                self._queues.setdefault(u.key, deque()).appendleft(u)
            self._cond.notify_all()
            self._staff()

    def _deliver(self, units: list[_Unit], send: Send) -> None:
        """One request (its retries and fallbacks included); each owner is charged for its own characters."""
        stats = CallStats()
        outputs = send([u.text for u in units], self._guard_for(stats))
        if len(outputs) != len(units):
            raise TransientError(f"{len(outputs)} translations for {len(units)} texts")
        total = sum(len(u.text) for u in units) or 1
        by_owner: dict[_Ticket, int] = {}
        for u in units:
            by_owner[u.ticket] = by_owner.get(u.ticket, 0) + len(u.text)
        with self._cond:
            for owner, chars in by_owner.items():
                owner.stats.requests += stats.requests
                owner.stats.characters += round(stats.characters * chars / total)
            for u, out in zip(units, outputs, strict=True):
                u.ticket.settle(u.index, out)

    def _fail(self, owners: list[_Ticket], exc: KawatError) -> None:
        with self._cond:
            for owner in owners:
                owner.fail(exc)
                self._drop(owner)
            self._cond.notify_all()


def best_fill(sizes: list[int], room: int) -> list[int]:
    """Indices (ascending) of the sizes that add up closest to `room` without passing it.

    Paragraphs of 330-420 characters fit three to a 1,500-character request taken in order, four when
    chosen: first fit sent B1's 100 stories in 343-357 requests, a packing of the whole batch needs 328.
    A subset sum over bit sets finds the fullest choice; walking back from the last size keeps the
    older pieces when two choices tie.
    """
    if room <= 0 or not sizes:
        return []
    cap = (1 << (room + 1)) - 1
    reach = [1]  # reach[i]: bit s set when some of the first i sizes add up to s
    for size in sizes:
        r = reach[-1]
        reach.append((r | (r << size)) & cap)
    total = reach[-1].bit_length() - 1
    picked = []
    for i in range(len(sizes) - 1, -1, -1):
        if not (reach[i] >> total) & 1:  # this sum needs size i
            picked.append(i)
            total -= sizes[i]
    picked.reverse()
    return picked


def _ours(exc: Exception) -> KawatError:
    """Engine errors are ours already; anything else is a bug in an engine hook, not worth a retry."""
    return exc if isinstance(exc, KawatError) else PermanentError(f"{type(exc).__name__}: {exc}")
