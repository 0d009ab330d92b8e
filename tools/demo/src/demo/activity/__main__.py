"""python -m demo.activity: add the demo's weeks of work through the services' APIs."""

import argparse
import os
import sys

from demo.activity.client import Service, ServiceError, Tokens
from demo.activity.plan import ADMIN, HANDLER
from demo.activity.run import Services, WaitTimeout, run


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m demo.activity",
        description="Once the demo ERP data has become accounts and engagement has planned them,"
        " add teams, a VIP, targets, visits, feedback, reschedules and complaint tickets.",
    )
    for service, port in (("accounts", 8101), ("engagement", 8102), ("complaints", 8103)):
        variable = f"{service.upper()}_URL"
        parser.add_argument(
            f"--{service}-url",
            default=os.environ.get(variable, f"http://127.0.0.1:{port}"),
            help=f"the {service} API (or the front door); env {variable}, else %(default)s",
        )
    parser.add_argument(
        "--issuer",
        default=os.environ.get("RAPPORT_OIDC_ISSUER", "http://127.0.0.1:18080/realms/rapport"),
        help="the realm whose demo users act (env RAPPORT_OIDC_ISSUER, else %(default)s)",
    )
    parser.add_argument("--seed", type=int, default=7, help="random seed (7)")
    parser.add_argument(
        "--expect-accounts",
        type=int,
        default=1,
        help="wait until at least this many accounts have arrived (1)",
    )
    parser.add_argument(
        "--only-accounts",
        default=None,
        metavar="PREFIX",
        help="act only on accounts whose id starts with PREFIX (default: every account)",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=300.0,
        help="seconds to wait for the services to agree (300)",
    )
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    # The demo users' password and the machine client that may use it, as the README lists.
    tokens = Tokens(
        args.issuer,
        client_id="rapport-feeder",
        client_secret=os.environ.get("RAPPORT_FEEDER_SECRET", "rapport-feeder-secret"),
        password=os.environ.get("RAPPORT_DEMO_PASSWORD", "rapport-demo"),
    )
    services = Services(
        # Accounts know who acts from the token too: the admin reads the whole book; the VIP is
        # nominated by its manager and approved by the team's supervisor.
        accounts=Service("accounts", args.accounts_url, tokens=tokens, user=ADMIN),
        # Engagement too: the admin reads every plan and sets the teams; targets are set by the
        # team's supervisor, and items, visits and scores by the account's manager.
        engagement=Service("engagement", args.engagement_url, tokens=tokens, user=ADMIN),
        # Complaints know who acts from the token: the customer-service handler files tickets.
        complaints=Service("complaints", args.complaints_url, tokens=tokens, user=HANDLER),
    )
    try:
        run(
            services,
            seed=args.seed,
            expected=args.expect_accounts,
            only=args.only_accounts,
            timeout=args.timeout,
            log=lambda line: print(f"demo activity: {line}", flush=True),
        )
    except (ServiceError, WaitTimeout) as error:
        print(f"demo activity failed: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
