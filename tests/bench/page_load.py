"""HTTP load from a process of its own, so the client's work does not share the benchmark's
event loop: GET one URL `--requests` times, `--concurrency` at a time, after `--warmup`
unmeasured requests; print every latency (seconds) as JSON on stdout. Any answer other than
200 fails the run (exit code 1).

    python tests/bench/board_load.py URL --requests 500 --concurrency 4
"""

import argparse
import asyncio
import json
import time

import httpx


async def load(url: str, *, requests: int, concurrency: int, warmup: int) -> list[float]:
    latencies: list[float] = []
    async with httpx.AsyncClient(timeout=30.0) as client:
        for _ in range(warmup):
            (await client.get(url)).raise_for_status()
        # One iterator shared by the virtual users: together they send exactly `requests`.
        remaining = iter(range(requests))

        async def user() -> None:
            for _ in remaining:
                began = time.perf_counter()
                response = await client.get(url)
                latencies.append(time.perf_counter() - began)
                response.raise_for_status()

        await asyncio.gather(*(user() for _ in range(concurrency)))
    return latencies


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("url")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=20)
    args = parser.parse_args()
    latencies = asyncio.run(
        load(args.url, requests=args.requests, concurrency=args.concurrency, warmup=args.warmup)
    )
    print(json.dumps({"url": args.url, "latencies": latencies}))


if __name__ == "__main__":
    main()
