"""python -m demo: generate the demo distributor's ERP data and publish it to Kafka."""

import argparse
import asyncio
import os
import sys
import time
from datetime import UTC, datetime

from demo.generator import generate
from demo.publish import erp_connection, publish
from demo.summary import summarize

DEFAULT_BOOTSTRAP = "127.0.0.1:19092"


def _as_of(text: str) -> datetime:
    try:
        value = datetime.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from exc
    # A time without a zone is taken as UTC, like everything in the contracts.
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m demo",
        description="Generate a year of ERP data of a wholesale distributor and publish it.",
    )
    parser.add_argument("--customers", type=int, default=300, help="number of customers (300)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (7)")
    parser.add_argument(
        "--as-of",
        type=_as_of,
        default=None,
        help="end of the year of orders, ISO 8601 (default: the start of the current UTC day,"
        " so a re-run on the same day publishes the same event ids)",
    )
    parser.add_argument(
        "--bootstrap-servers",
        default=os.environ.get("KAFKA_BOOTSTRAP_SERVERS", DEFAULT_BOOTSTRAP),
        help="Kafka bootstrap servers (env KAFKA_BOOTSTRAP_SERVERS, else %(default)s)",
    )
    parser.add_argument(
        "--kafka-username", default="erp", help="the ERP's Kafka principal (%(default)s)"
    )
    parser.add_argument(
        "--kafka-password",
        default=os.environ.get("RAPPORT_KAFKA_ERP_PASSWORD", "erp-secret"),
        help="its SCRAM password (env RAPPORT_KAFKA_ERP_PASSWORD, else the local stack's)",
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="print the summary only, publish nothing"
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.customers < 0:
        print("--customers must not be negative", file=sys.stderr)
        return 2
    # Midnight rather than now: re-runs during the day are duplicates, not a second data set.
    as_of = args.as_of or datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    data = generate(args.customers, as_of, args.seed)
    print(summarize(data), flush=True)
    if args.dry_run:
        return 0
    started = time.monotonic()
    kafka = erp_connection(args.bootstrap_servers, args.kafka_username, args.kafka_password)
    count = asyncio.run(publish(data, kafka))
    elapsed = time.monotonic() - started
    print(f"Published {count} events to {args.bootstrap_servers} in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
