"""``chainrule playground [--port N] [--no-browser] [--host H] [--allow-host NAME] [--classroom]``:
serve the playground page.

Prints the address, opens it in the browser (unless ``--no-browser``), and serves until Ctrl-C.
The server listens on 127.0.0.1 only, so nobody else on the network can reach it; ``--host``
changes that (e.g. ``--host 0.0.0.0`` for a classroom machine that students connect to), with a
warning, because anyone who can reach the port can then use it; the address students open is
printed. ``--classroom`` adds the teacher's page and prints its link (with a secret token).
"""

from __future__ import annotations

import argparse
import gc
import sys
import webbrowser
from collections.abc import Sequence

from .hosts import is_loopback
from .server import make_server

DEFAULT_PORT = 8765


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="chainrule playground",
        description="Build and train small neural networks in the browser, on chainrule's "
                    "engine: decision boundary, neurons, computation graph and backprop.",
    )
    p.add_argument("--port", type=int, default=DEFAULT_PORT,
                   help=f"port to serve on (default {DEFAULT_PORT}; 0 picks a free one)")
    p.add_argument("--host", default="127.0.0.1",
                   help="address to listen on (default 127.0.0.1: this computer only)")
    p.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                   help="a DNS name students use to reach this machine (IP addresses and "
                        "localhost are always accepted; repeat for several names)")
    p.add_argument("--classroom", action="store_true",
                   help="add a teacher's page (/teacher, its link with a token is printed) that "
                        "lists every student's session and pushes a set-up to them all")
    p.add_argument("--no-browser", action="store_true", help="do not open a browser")
    p.add_argument("--verbose", action="store_true", help="log every request")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    """Run the playground; returns the exit status (0 after Ctrl-C, 2 for a bad option)."""
    args = parser().parse_args(argv)
    if not 0 <= args.port <= 65535:
        print(f"chainrule playground: --port must be 0..65535, not {args.port}", file=sys.stderr)
        return 2
    if not is_loopback(args.host):
        print(f"warning: listening on {args.host}: anyone who can reach this machine's port "
              f"{args.port} can use the playground (and its CPU). Use the default "
              "--host 127.0.0.1 unless you mean to share it.", file=sys.stderr)
    try:
        server = make_server(args.host, args.port, verbose=args.verbose,
                             allow_hosts=tuple(args.allow_host), classroom=args.classroom)
    except ValueError as e:  # a bad --allow-host
        print(f"chainrule playground: {e}", file=sys.stderr)
        return 2
    except OSError as e:
        print(f"chainrule playground: cannot listen on {args.host}:{args.port} ({e.strerror}); "
              "try another --port, or --port 0 for any free one", file=sys.stderr)
        return 2
    print(f"chainrule playground at {server.url}  (Ctrl-C to stop)", flush=True)
    if not server.loopback:
        print(f"students open {server.share_url}", flush=True)
    if server.teacher_url:
        print(f"teacher's page (keep this link to yourself): {server.teacher_url}", flush=True)
    if not args.no_browser:
        webbrowser.open(server.url)
    # the ~30,000 objects of the modules imported so far are never garbage: frozen, they are
    # not walked by every full collection, which holds all requests at once (~65 ms measured
    # under a class's load, benchmarks/README.md)
    gc.freeze()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        print("\nstopped", flush=True)
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":  # python -m chainrule.playground.cli
    raise SystemExit(main())
