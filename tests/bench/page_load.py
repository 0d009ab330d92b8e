"""HTTP load from a process of its own, so the client's work does not share the benchmark's
event loop: for each URL in turn, `--warmup` unmeasured GETs, then `--requests` GETs,
`--concurrency` at a time; print every latency (seconds) of every URL as JSON on stdout
(`{"urls": {URL: [latency, ...]}}`). Every request carries the `--header`s (a bearer token:
`--header "Authorization: Bearer ..."`). Any answer other than 200, or one without the URL's
`--expect` text (given once per URL, in the same order, when given), fails the run (exit code 1).

    python tests/bench/page_load.py URL [URL ...] --requests 500 --concurrency 4

The benchmarks call it through `measure`, and take percentiles with `percentile`.
"""

import argparse
import asyncio
import json
import statistics
import sys
import time
from collections.abc import Mapping, Sequence

import httpx


async def measure(
    urls: Sequence[str],
    *,
    requests: int,
    concurrency: int,
    warmup: int = 20,
    expects: Sequence[str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> dict[str, list[float]]:
    """Latencies of GETs of each of `urls`, sent by this tool in a process of its own."""
    argv = [*urls, "--requests", str(requests), "--concurrency", str(concurrency)]
    argv += ["--warmup", str(warmup)]
    for name, value in (headers or {}).items():
        argv += ["--header", f"{name}: {value}"]
    for expect in expects or ():
        argv += ["--expect", expect]
    tool = await asyncio.create_subprocess_exec(
        sys.executable, __file__, *argv, stdout=asyncio.subprocess.PIPE
    )
    out, _ = await tool.communicate()
    assert tool.returncode == 0, f"the load tool failed on {list(urls)}"
    latencies: dict[str, list[float]] = json.loads(out)["urls"]
    assert all(len(values) == requests for values in latencies.values())
    return latencies


def percentile(values: list[float], share: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[round(share * 100) - 1]


class Refused(Exception):
    """An answer the page should not give: its status or its missing content."""


def check(url: str, response: httpx.Response, expect: str | None) -> None:
    if response.status_code != 200:
        raise Refused(f"{url}: HTTP {response.status_code}: {response.text[:300]}")
    if expect is not None and expect not in response.text:
        raise Refused(f"{url}: the answer does not contain {expect!r}")


async def load(
    client: httpx.AsyncClient,
    url: str,
    *,
    expect: str | None,
    requests: int,
    concurrency: int,
    warmup: int,
) -> list[float]:
    latencies: list[float] = []
    for _ in range(warmup):
        check(url, await client.get(url), expect)
    # One iterator shared by the virtual users: together they send exactly `requests`.
    remaining = iter(range(requests))

    async def user() -> None:
        for _ in remaining:
            began = time.perf_counter()
            response = await client.get(url)
            latencies.append(time.perf_counter() - began)
            check(url, response, expect)

    await asyncio.gather(*(user() for _ in range(concurrency)))
    return latencies


async def load_all(args: argparse.Namespace) -> dict[str, list[float]]:
    headers = dict(header.split(":", 1) for header in args.header)
    expects = args.expect or [None] * len(args.urls)
    async with httpx.AsyncClient(
        timeout=60.0, headers={k.strip(): v.strip() for k, v in headers.items()}
    ) as client:
        return {
            url: await load(
                client,
                url,
                expect=expect,
                requests=args.requests,
                concurrency=args.concurrency,
                warmup=args.warmup,
            )
            for url, expect in zip(args.urls, expects, strict=True)
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("urls", nargs="+", metavar="url")
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--header", action="append", default=[], help="'Name: value'")
    parser.add_argument("--expect", action="append", help="text every answer of a URL holds")
    args = parser.parse_args()
    if args.expect is not None and len(args.expect) != len(args.urls):
        parser.error("give --expect once per URL, or not at all")
    try:
        latencies = asyncio.run(load_all(args))
    except Refused as refused:
        print(refused, file=sys.stderr)
        sys.exit(1)
    print(json.dumps({"urls": latencies}))


if __name__ == "__main__":
    main()
