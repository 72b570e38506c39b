#!/usr/bin/env python3
"""The AWS emulator for Ferry's tests: moto's server mode (a peer we did not
write) on 127.0.0.1, answering DynamoDB, S3, SQS, EventBridge Scheduler and
SES v2 on one port.

Picks a free port unless --port, prints one JSON line on stdout once it
answers ({"port": 40123}), and stops when killed or when its stdin closes
(so a test binary that exits, however it exits, takes it down).
"""

import argparse
import json
import logging
import socket
import sys
import urllib.request

from moto.server import ThreadedMotoServer


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    port = args.port or free_port()
    # One line per request on stderr would drown a failing test's output.
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    # Answering, not just bound: the first request is what takes moto ~0.6 s.
    urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/data.json", timeout=30).read()
    print(json.dumps({"port": port}), flush=True)
    sys.stdin.read()
    server.stop()


if __name__ == "__main__":
    main()
