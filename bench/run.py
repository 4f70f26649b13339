"""`make bench`: run B1–B5 against a local engine and SeaweedFS, print PASS/FAIL, write results/latest.md."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def parse(argv: list[str]) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    p.add_argument("--stories", type=int, default=None, help="scale every benchmark down to N stories (smoke run)")
    p.add_argument("--only", default="B1,B2,B3,B4,B5,B6,B7,B8", help="comma-separated subset, e.g. B1,B3")
    p.add_argument("--latency", type=float, default=0.1, help="engine latency in seconds (B1, B5)")
    p.add_argument("--engine-concurrency", type=int, default=8)
    p.add_argument("--workers", type=int, default=8, help="flow task threads (B2–B5)")
    p.add_argument("--b1-workers", type=int, default=8, help="flow task threads for B1")
    p.add_argument("--baseline-sample", type=int, default=20, help="stories the naive loop runs (scaled up)")
    p.add_argument("--soak-runs", type=int, default=None, help="B6: ingest runs (default 200)")
    p.add_argument("--baseline-ref", default=None, help="B8: the commit this round is measured against")
    p.add_argument("--profile", action="store_true", help="cProfile the B3 flow run into results/profile-B3.txt")
    p.add_argument("--out", type=Path, default=RESULTS / "latest.md")
    p.add_argument("--keep", action="store_true", help="keep the temporary directory")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = parse(argv)
    base = Path(tempfile.mkdtemp(prefix="kawat-bench-"))
    from bench.env import prepare_process

    prepare_process(base)  # before anything imports prefect
    from bench import env
    from bench.report import calibrate, markdown, print_result
    from bench.scenarios import ALL, Options

    opts = Options(latency=args.latency, engine_concurrency=args.engine_concurrency, workers=args.workers,
                   b1_workers=args.b1_workers, baseline_sample=args.baseline_sample, profile=args.profile)
    if args.stories:
        opts = opts.scaled(args.stories)
    if args.soak_runs:
        opts = replace(opts, b6_runs=args.soak_runs)
    if args.baseline_ref:
        opts = replace(opts, baseline_ref=args.baseline_ref)
    wanted = [k.strip().upper() for k in args.only.split(",") if k.strip()]
    unknown = [k for k in wanted if k not in ALL]
    if unknown:
        print(f"unknown benchmark(s) {unknown}; choose from {sorted(ALL)}", file=sys.stderr)
        return 2
    calibration = calibrate()
    print(f"CPU calibration: 5M-step Python loop in {calibration:.2f} s")
    started = time.perf_counter()
    results = []
    try:
        with env.seaweed(base) as store:
            warm = env.warm_prefect()
            print(f"Prefect ephemeral API ready in {warm:.1f} s; SeaweedFS at {store.endpoint_url}")
            for key in wanted:
                fn = ALL[key]
                t = time.perf_counter()
                kwargs = {"results_dir": args.out.parent} if key == "B3" else {}
                result = fn(store, base, opts, **kwargs)
                result.notes.append(f"benchmark took {time.perf_counter() - t:.1f} s including set-up")
                print_result(result)
                results.append(result)
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)
    total = time.perf_counter() - started
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(markdown(results, argv, total, calibration))
    print(f"\nwrote {args.out} ({total:.0f} s)")
    return 0  # timing never fails the run; read the PASS/FAIL lines


if __name__ == "__main__":
    sys.exit(main())
