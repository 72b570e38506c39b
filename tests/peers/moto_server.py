#!/usr/bin/env python3
"""The AWS emulator for Ferry's tests: moto's server mode (a peer we did not
write) on 127.0.0.1, answering DynamoDB, S3, SQS, EventBridge Scheduler and
SES v2 on one port.

Picks a free port unless --port, prints one JSON line on stdout once it
answers ({"port": 40123}), and stops when killed or when its stdin closes
(so a test binary that exits, however it exits, takes it down).

Changes to moto for the tests, each making it answer as AWS does:

moto 5.2.5 answers S3 ListParts and ListMultipartUploads with a
`<ListPartsResponse>` / `<ListMultipartUploadsResponse>` root where S3 says
`<ListPartsResult>` / `<ListMultipartUploadsResult>`; boto3 does not mind,
the Rust SDK refuses the answer. The root is renamed as S3 names it.

UploadPart and CompleteMultipartUpload of an unknown (aborted, completed)
upload fail in moto with a KeyError, a 500 without a body; S3 answers 404
NoSuchUpload, which Ferry's export worker acts on.

moto 5.2.5's server has no time API, so this adds one for tests that must
move time without sleeping (SQS visibility timeouts and delays):
`POST /ferry-test/clock/advance?seconds=N` moves moto's clock N seconds
ahead, for every service of this server. moto reads time through
`moto.core.utils.utcnow` (SQS through `unix_time`, which calls it).
"""

import argparse
import datetime
import json
import logging
import socket
import sys
import urllib.request

import moto.core.utils as moto_utils
from moto.moto_server import threaded_moto_server
from moto.server import ThreadedMotoServer

CLOCK_PATH = "/ferry-test/clock/advance"
clock_offset = datetime.timedelta(0)
real_utcnow = moto_utils.utcnow


def shifted_utcnow():
    return real_utcnow() + clock_offset


class MovableClockApp:
    """moto's WSGI app, plus POST CLOCK_PATH?seconds=N."""

    def __init__(self, app):
        self.app = app

    def __call__(self, environ, start_response):
        global clock_offset
        if environ.get("PATH_INFO") != CLOCK_PATH:
            return self.app(environ, start_response)
        query = dict(p.split("=", 1) for p in environ.get("QUERY_STRING", "").split("&") if "=" in p)
        clock_offset += datetime.timedelta(seconds=float(query.get("seconds", "0")))
        body = json.dumps({"offset_seconds": clock_offset.total_seconds()}).encode()
        start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
        return [body]


def with_s3_root(method, moto_root, s3_root):
    def answer(self):
        status, headers, body = method(self)
        if isinstance(body, bytes):
            body = body.replace(moto_root.encode(), s3_root.encode())
        else:
            body = body.replace(moto_root, s3_root)
        for name in [h for h in headers if h.lower() == "content-length"]:
            headers[name] = str(len(body.encode() if isinstance(body, str) else body))
        return status, headers, body

    return answer


def fix_s3_list_roots():
    from moto.s3.responses import S3Response

    S3Response.list_parts = with_s3_root(S3Response.list_parts, "ListPartsResponse", "ListPartsResult")
    S3Response.list_multipart_uploads = with_s3_root(
        S3Response.list_multipart_uploads, "ListMultipartUploadsResponse", "ListMultipartUploadsResult"
    )


def fix_s3_unknown_uploads():
    from moto.s3.exceptions import NoSuchUpload
    from moto.s3.models import S3Backend

    def known_upload_only(method):
        def call(self, bucket_name, multipart_id, *args, **kwargs):
            if multipart_id not in self.get_bucket(bucket_name).multiparts:
                raise NoSuchUpload(upload_id=multipart_id)
            return method(self, bucket_name, multipart_id, *args, **kwargs)

        return call

    S3Backend.upload_part = known_upload_only(S3Backend.upload_part)
    S3Backend.complete_multipart_upload = known_upload_only(S3Backend.complete_multipart_upload)


def install_movable_clock():
    moto_utils.utcnow = shifted_utcnow
    dispatcher = threaded_moto_server.DomainDispatcherApplication
    threaded_moto_server.DomainDispatcherApplication = lambda create_app: MovableClockApp(dispatcher(create_app))


def tolerate_failing_model_attributes():
    """`/moto-api/data.json` skips model attributes that are not JSON, but one
    whose getter raises anything else fails the whole page (500): in server
    mode S3's `FakeKey.status` raises MissingBucket once a multipart upload
    exists. Skipping those too keeps SES raw messages readable whatever S3 holds."""
    from moto.core.model_instances import model_data as models
    from moto.moto_api._internal import urls
    from moto.moto_api._internal.responses import MotoAPIResponse

    def model_data(self, request, full_url, headers):
        results = {}
        for service in sorted(models):
            results[service] = {}
            for name in sorted(models[service]):
                instances = []
                for instance in models[service][name].instances_tracked:
                    fields = {}
                    for attr in dir(instance):
                        if attr.startswith("_"):
                            continue
                        try:
                            value = getattr(instance, attr)
                            json.dumps(value)
                        except Exception:
                            continue
                        fields[attr] = value
                    instances.append(fields)
                results[service][name] = instances
        return 200, {"Content-Type": "application/javascript"}, json.dumps(results)

    MotoAPIResponse.model_data = model_data
    urls.url_paths["{0}/moto-api/data.json"] = urls.response_instance.model_data


def serialize_dynamodb():
    """moto answers requests on several threads, and its DynamoDB conditions
    and transactions are check-then-write without a lock (a failed
    transaction even restores a copy of the whole table taken before it):
    two racing conditional writes can both pass. DynamoDB serializes them,
    so the emulator does too: one DynamoDB request at a time."""
    import threading

    from moto.dynamodb.responses import DynamoHandler

    lock = threading.Lock()
    call_action = DynamoHandler.call_action

    def serialized(self):
        with lock:
            return call_action(self)

    DynamoHandler.call_action = serialized


def serialize_sqs():
    """The same for SQS: moto's ReceiveMessage picks visible messages and
    hides them without a lock, so two receivers racing on moto's threads can
    both get one message, which SQS does not do. One SQS request at a time
    (Ferry's receives never wait: short polling)."""
    import threading

    from moto.sqs.responses import SQSResponse

    lock = threading.Lock()
    call_action = SQSResponse.call_action

    def serialized(self):
        with lock:
            return call_action(self)

    SQSResponse.call_action = serialized


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
    install_movable_clock()
    fix_s3_list_roots()
    fix_s3_unknown_uploads()
    tolerate_failing_model_attributes()
    serialize_dynamodb()
    serialize_sqs()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    # Answering, not just bound: the first request is what takes moto ~0.6 s.
    urllib.request.urlopen(f"http://127.0.0.1:{port}/moto-api/data.json", timeout=30).read()
    print(json.dumps({"port": port}), flush=True)
    sys.stdin.read()
    server.stop()


if __name__ == "__main__":
    main()
