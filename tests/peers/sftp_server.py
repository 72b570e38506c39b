#!/usr/bin/env python3
"""An SFTP server for Ferry's tests, built on asyncssh (a peer we did not write).

Listens on 127.0.0.1 (a free port unless --port), runs as any user, and keeps
every client inside --root (asyncssh's chroot). Accepts --user with --password
and, with --client-key, the key it generates and writes there for the test to
log in with (ed25519 in OpenSSH format unless --client-key-type/-format). The
host key is a fresh ed25519 key. Once listening it prints one JSON line on stdout:

    {"port": 40123, "host_key_fingerprint": "SHA256:..."}

With --events, each connection, authentication attempt and file operation is
appended to that file as a JSON line, so a test can prove what never happened
(no login after a host key mismatch). Stops when killed or its stdin closes.
"""

import argparse
import asyncio
import json
import os
import sys

import asyncssh


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", required=True, help="folder the clients see as /")
    parser.add_argument("--user", default="ferry")
    parser.add_argument("--password", default=None)
    parser.add_argument("--client-key", default=None, help="where to write the client's private key")
    parser.add_argument("--client-key-type", default="ssh-ed25519", help="ssh-ed25519, ssh-rsa, ecdsa-sha2-nistp256")
    parser.add_argument("--client-key-format", default="openssh", help="openssh, pkcs1-pem, pkcs8-pem")
    parser.add_argument("--events", default=None, help="JSON-lines file of what happened")
    parser.add_argument("--port", type=int, default=0)
    return parser.parse_args()


class Events:
    def __init__(self, path):
        self.path = path

    def record(self, **event):
        if self.path:
            with open(self.path, "a", encoding="utf-8") as f:
                f.write(json.dumps(event) + "\n")


def server_factory(args, events, client_public):
    class Server(asyncssh.SSHServer):
        def connection_made(self, conn):
            events.record(event="connection")

        def begin_auth(self, username):
            return True

        def password_auth_supported(self):
            return args.password is not None

        def validate_password(self, username, password):
            ok = username == args.user and password == args.password
            events.record(event="auth", method="password", user=username, ok=ok)
            return ok

        def public_key_auth_supported(self):
            return client_public is not None

        def validate_public_key(self, username, key):
            ok = username == args.user and key.public_data == client_public.public_data
            events.record(event="auth", method="publickey", user=username, ok=ok)
            return ok

    return Server


def sftp_factory(args, events):
    class Sftp(asyncssh.SFTPServer):
        def __init__(self, chan):
            super().__init__(chan, chroot=os.fsencode(args.root))

        def open(self, path, pflags, attrs):
            events.record(event="open", path=os.fsdecode(path))
            return super().open(path, pflags, attrs)

        def rename(self, oldpath, newpath):
            events.record(event="rename", old=os.fsdecode(oldpath), new=os.fsdecode(newpath))
            return super().rename(oldpath, newpath)

        def remove(self, path):
            events.record(event="remove", path=os.fsdecode(path))
            return super().remove(path)

    return Sftp


async def main():
    args = parse_args()
    events = Events(args.events)
    host_key = asyncssh.generate_private_key("ssh-ed25519")
    client_public = None
    if args.client_key:
        client_key = asyncssh.generate_private_key(args.client_key_type)
        client_key.write_private_key(args.client_key, args.client_key_format)
        client_public = client_key.convert_to_public()

    server = await asyncssh.listen(
        "127.0.0.1",
        args.port,
        server_host_keys=[host_key],
        server_factory=server_factory(args, events, client_public),
        sftp_factory=sftp_factory(args, events),
        allow_scp=False,
    )
    port = server.sockets[0].getsockname()[1]
    print(json.dumps({"port": port, "host_key_fingerprint": host_key.get_fingerprint("sha256")}), flush=True)

    # The test owns this process: a closed stdin means it is gone.
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
