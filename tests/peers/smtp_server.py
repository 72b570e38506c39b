#!/usr/bin/env python3
"""An SMTP server for Ferry's tests, built on aiosmtpd (a peer we did not write).

Listens on 127.0.0.1 (a free port unless --port) and files each message it
accepts as <out>/<n>.eml (the DATA bytes exactly as received) with
<out>/<n>.json ({"mail_from": ..., "rcpt_tos": [...]}), both written before it
answers 250, so a client that got its reply can read them at once. With
--user and --password, AUTH PLAIN/LOGIN is offered over plain text (a local
relay's setup) and required. Once listening it prints one JSON line on
stdout: {"port": 40123}. Stops when killed or its stdin closes.
"""

import argparse
import asyncio
import json
import os
import sys

from aiosmtpd.smtp import SMTP, AuthResult


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="folder for received messages")
    parser.add_argument("--user", default=None)
    parser.add_argument("--password", default=None)
    parser.add_argument("--port", type=int, default=0)
    return parser.parse_args()


class Filer:
    def __init__(self, out):
        self.out = out
        self.count = 0

    def write(self, name, data):
        temp = os.path.join(self.out, "." + name)
        with open(temp, "wb") as f:
            f.write(data)
        os.replace(temp, os.path.join(self.out, name))

    async def handle_DATA(self, server, session, envelope):
        self.count += 1
        meta = {"mail_from": envelope.mail_from, "rcpt_tos": list(envelope.rcpt_tos)}
        self.write(f"{self.count}.json", json.dumps(meta).encode())
        self.write(f"{self.count}.eml", envelope.original_content)
        return "250 Message accepted for delivery"


def authenticator(user, password):
    def check(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == user.encode() and auth_data.password == password.encode()
        # handled=False: aiosmtpd then answers 535 itself (True means "I replied").
        return AuthResult(success=ok, handled=False)

    return check


async def main():
    args = parse_args()
    handler = Filer(args.out)
    options = {}
    if args.user is not None:
        options = dict(
            authenticator=authenticator(args.user, args.password or ""),
            auth_required=True,
            auth_require_tls=False,
        )
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: SMTP(handler, hostname="peer.test", **options), "127.0.0.1", args.port)
    port = server.sockets[0].getsockname()[1]
    print(json.dumps({"port": port}), flush=True)

    await loop.run_in_executor(None, sys.stdin.read)
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
