#!/usr/bin/env python3
"""`make aws-e2e`: infra/template.yaml as deployed, on the AWS emulator.

1. starts moto (tests/peers/moto_server.py) with its recorder, in a run
   folder of its own (infra/e2e/.run: the recording is kept for a look);
2. applies the SAM transform (transform.py, in infra/e2e/.venv);
3. deploys the result into moto (deploy.py) with the parameters below;
4. checks the template's operational rules on what was deployed (checks.py);
5. records while the Rust test drives the four handlers through Ferry's
   whole flow, each configured only from what the stack gave it
   (tests/aws/deployed, `cargo test --workspace --test aws deployed:: -- --ignored`:
   the features `make test` resolves, so its build is reused);
6. checks every call each function's role signed against that role's
   policies, and every statement against the calls (least_privilege.py).

Exits non-zero at the first step that fails. Usage: run.py SAM_PYTHON
"""

import hashlib
import json
import os
import secrets
import shlex
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import boto3

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
RUN = HERE / ".run"
STACK_NAME = "ferry-e2e"
LAKE = "ferry-e2e-lake"


def step(title):
    print(f"\n== {title}", flush=True)


def post(endpoint, path):
    request = urllib.request.Request(f"{endpoint}{path}", method="POST")
    with urllib.request.urlopen(request, timeout=30) as response:
        response.read()


def start_moto():
    env = dict(
        os.environ,
        MOTO_ENABLE_RECORDING="True",
        MOTO_RECORDER_FILEPATH=str(RUN / "recording.jsonl"),
        # A template that attaches an AWS managed policy deploys, and checks.py names it.
        MOTO_IAM_LOAD_MANAGED_POLICIES="true",
    )
    python = os.environ.get("FERRY_TEST_PYTHON", str(REPO / ".venv/bin/python"))
    moto = subprocess.Popen(
        [python, str(REPO / "tests/peers/moto_server.py")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=RUN,
        env=env,
        text=True,
    )
    line = moto.stdout.readline()
    try:
        port = json.loads(line)["port"]
    except (ValueError, KeyError):
        sys.exit(f"moto_server.py printed {line!r}: is .venv set up (make .venv)?")
    return moto, f"http://127.0.0.1:{port}"


def as_function(stack, f, service):
    c = f["credentials"]
    return boto3.client(
        service,
        endpoint_url=stack["endpoint"],
        region_name=stack["region"],
        aws_access_key_id=c["accessKeyId"],
        aws_secret_access_key=c["secretAccessKey"],
        aws_session_token=c["sessionToken"],
    )


def play_lambda_on_failure(stack):
    """After the retries of a failed asynchronous invocation (a Scheduler
    firing the trigger could not handle), Lambda sends the event to the
    function's on-failure destination with the function's role."""
    for logical, f in stack["functions"].items():
        for arn in f.get("onFailure", []):
            name = arn.rsplit(":", 1)[-1]
            record = {
                "version": "1.0",
                "requestContext": {"condition": "RetriesExhausted", "functionArn": f["arn"], "approximateInvokeCount": 3},
                "requestPayload": {"scheduleId": "sch_e2e", "scheduledTime": "2026-01-01T06:30:00Z"},
            }
            url = f"{stack['endpoint']}/{stack['account']}/{name}"
            as_function(stack, f, "sqs").send_message(QueueUrl=url, MessageBody=json.dumps(record))


def play_lambda_logs(stack):
    """Lambda writes each invocation's START/END/REPORT lines (and the
    function's stdout) to its log group with the function's role."""
    for logical, f in stack["functions"].items():
        logs = as_function(stack, f, "logs")
        group, stream = f"/aws/lambda/{f['name']}", time.strftime("%Y/%m/%d/[$LATEST]") + "e2e"
        logs.create_log_stream(logGroupName=group, logStreamName=stream)
        now = int(time.time() * 1000)
        logs.put_log_events(logGroupName=group, logStreamName=stream, logEvents=[{"timestamp": now, "message": "START RequestId: e2e"}])


def main():
    sam_python = sys.argv[1]
    started = time.monotonic()
    shutil.rmtree(RUN, ignore_errors=True)
    RUN.mkdir(parents=True)
    moto, endpoint = start_moto()
    try:
        step("SAM transform of the template")
        with open(RUN / "transformed.json", "w", encoding="utf-8") as out:
            # FERRY_E2E_TEMPLATE: another template (a variant under test), else the repository's.
            template = os.environ.get("FERRY_E2E_TEMPLATE", str(REPO / "infra/template.yaml"))
            subprocess.run([sam_python, str(HERE / "transform.py"), template, f"{STACK_NAME}-artifacts-e2e"], stdout=out, check=True)

        step(f"deploy into the emulator at {endpoint}")
        admin_key = secrets.token_hex(24)
        parameters = {
            "SenderEmail": "ferry@e2e.example.org",
            "AdminEmail": "admin@e2e.example.org",
            "AdminKeySha256": hashlib.sha256(admin_key.encode()).hexdigest(),
            "S3AssumableRoleArns": "arn:aws:iam::111122223333:role/ferry-e2e-writer",
            "S3WritableObjectArns": f"arn:aws:s3:::{LAKE}/*",
        }
        subprocess.run(
            [sys.executable, str(HERE / "deploy.py"), endpoint, str(RUN / "transformed.json"), STACK_NAME, str(RUN / "stack.json")]
            + [f"{k}={v}" for k, v in parameters.items()],
            check=True,
        )
        with open(RUN / "stack.json", encoding="utf-8") as f:
            stack = json.load(f)

        step("template checks on the deployed stack")
        subprocess.run([sys.executable, str(HERE / "checks.py"), str(RUN / "stack.json")], check=True)

        step("the whole flow through the four handlers (tests/aws/deployed)")
        post(endpoint, "/moto-api/recorder/reset-recording")
        post(endpoint, "/moto-api/recorder/start-recording")
        cargo = shlex.split(os.environ.get("CARGO", "cargo"))
        # The whole flow is one test future, with the four handlers' futures
        # inside it: a debug build needs more than libtest's 2 MiB thread stack.
        env = dict(os.environ, FERRY_E2E_STACK=str(RUN / "stack.json"), FERRY_E2E_ADMIN_KEY=admin_key,
                   RUST_MIN_STACK=str(16 * 1024 * 1024))
        subprocess.run(
            cargo + ["test", "--locked", "--workspace", "--test", "aws", "deployed::", "--", "--ignored"],
            cwd=REPO,
            env=env,
            check=True,
        )
        play_lambda_logs(stack)
        play_lambda_on_failure(stack)
        post(endpoint, "/moto-api/recorder/stop-recording")

        step("least privilege: the recorded calls against each function's role")
        subprocess.run([sys.executable, str(HERE / "least_privilege.py"), str(RUN / "stack.json"), str(RUN / "recording.jsonl")], check=True)
    except subprocess.CalledProcessError as e:
        sys.exit(f"\nmake aws-e2e FAILED at: {' '.join(map(str, e.cmd[:3]))} ... (exit {e.returncode})")
    finally:
        moto.stdin.close()
        moto.wait(timeout=30)
    print(f"\nmake aws-e2e passed in {time.monotonic() - started:.0f} s")


if __name__ == "__main__":
    main()
