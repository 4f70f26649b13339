"""B4's subprocess: the whole flow over N stories, so the parent can read this process tree's peak RSS."""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--root", type=Path, required=True)
    p.add_argument("--endpoint", required=True)
    p.add_argument("--stories", type=int, default=1000)
    p.add_argument("--workers", type=int, default=8)
    args = p.parse_args(argv)
    from bench.env import ACCESS_ENV, SECRET_ENV, prepare_process

    prepare_process(args.root)
    import os

    from bench import env, stories

    store = env.Store(args.endpoint, os.environ[ACCESS_ENV], os.environ[SECRET_ENV])
    sc = env.make_scenario("B4", args.root, store, engine="dry-run")
    stories.write_batch(sc.inbox, args.stories, prefix="MEM")
    start = time.perf_counter()
    run = env.run_flow(args.workers)
    out = {"seconds": time.perf_counter() - start, "states": run.states,
           "self_maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}
    print("BENCH-RESULT " + json.dumps(out), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
