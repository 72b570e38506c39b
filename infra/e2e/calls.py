"""What moto's recorder saw, as IAM sees it: each recorded request becomes
the access key that signed it and the IAM authorizations AWS checks for it
(action, resource ARN, condition keys). A request this cannot map fails
the run naming it, so no call goes unchecked."""

import base64
import json
import re
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlparse

REGION = "us-east-1"
ACCOUNT = "123456789012"


@dataclass
class Authorization:
    action: str
    resource: str
    conditions: dict = field(default_factory=dict)


@dataclass
class Call:
    key: str
    service: str
    what: str  # method and path, for messages
    authorizations: list


class UnmappedCall(Exception):
    pass


def body_of(entry):
    body = entry.get("body") or ""
    if entry.get("body_encoded"):
        return base64.b64decode(body)
    return body.encode() if isinstance(body, str) else b""


def header(entry, name):
    for k, v in entry.get("headers", {}).items():
        if k.lower() == name.lower():
            return v
    return None


def credential(entry):
    """(access key, service) of the SigV4 signature: header or presigned query."""
    authorization = header(entry, "Authorization") or ""
    match = re.search(r"Credential=([^/]+)/[^/]+/[^/]+/([^/]+)/aws4_request", authorization)
    if not match:
        query = parse_qs(urlparse(entry["url"]).query)
        scope = query.get("X-Amz-Credential", [""])[0]
        match = re.match(r"([^/]+)/[^/]+/[^/]+/([^/]+)/aws4_request", scope)
    return (match.group(1), match.group(2)) if match else (None, None)


def parse(entry):
    key, service = credential(entry)
    if key is None:
        return None
    url = urlparse(entry["url"])
    target = header(entry, "X-Amz-Target")
    what = target or f"{entry['method']} {url.path}{'?' + url.query if url.query else ''}"
    mapper = MAPPERS.get(service)
    if mapper is None:
        raise UnmappedCall(f"a call to {service} ({what}): no mapping to IAM actions in infra/e2e/calls.py")
    return Call(key, service, what[:200], mapper(entry, url))


def dynamodb(entry, url):
    operation = header(entry, "X-Amz-Target").split(".", 1)[1]
    body = json.loads(body_of(entry) or b"{}")

    def table(name, index=None):
        arn = f"arn:aws:dynamodb:{REGION}:{ACCOUNT}:table/{name}"
        return f"{arn}/index/{index}" if index else arn

    if operation == "TransactWriteItems":
        kinds = {"Put": "PutItem", "Update": "UpdateItem", "Delete": "DeleteItem", "ConditionCheck": "ConditionCheckItem"}
        return [
            Authorization(f"dynamodb:{kinds[kind]}", table(item[kind]["TableName"]))
            for item in body["TransactItems"]
            for kind in item
        ]
    if operation == "TransactGetItems":
        return [Authorization("dynamodb:GetItem", table(i["Get"]["TableName"])) for i in body["TransactItems"]]
    if operation in ("BatchWriteItem", "BatchGetItem"):
        return [Authorization(f"dynamodb:{operation}", table(name)) for name in body["RequestItems"]]
    return [Authorization(f"dynamodb:{operation}", table(body["TableName"], body.get("IndexName")))]


def sqs(entry, url):
    target = header(entry, "X-Amz-Target")
    if target:
        operation = target.split(".", 1)[1]
        queue_url = json.loads(body_of(entry) or b"{}").get("QueueUrl", "")
    else:
        form = parse_qs(body_of(entry).decode())
        operation, queue_url = form["Action"][0], form.get("QueueUrl", [""])[0]
    name = queue_url.rstrip("/").rsplit("/", 1)[-1]
    return [Authorization(f"sqs:{operation}", f"arn:aws:sqs:{REGION}:{ACCOUNT}:{name}")]


def s3(entry, url):
    method = entry["method"]
    parts = url.path.lstrip("/").split("/", 1)
    bucket, key = parts[0], unquote(parts[1]) if len(parts) > 1 and parts[1] else None
    query = parse_qs(url.query, keep_blank_values=True)
    if key is None:
        bucket_arn = f"arn:aws:s3:::{bucket}"
        if method == "GET" and "uploads" in query:
            return [Authorization("s3:ListBucketMultipartUploads", bucket_arn)]
        if method in ("GET", "HEAD") and not ({"policy", "lifecycle", "encryption"} & set(query)):
            return [Authorization("s3:ListBucket", bucket_arn)]
        if method == "POST" and "delete" in query:
            keys = re.findall(rb"<Key>([^<]*)</Key>", body_of(entry))
            return [Authorization("s3:DeleteObject", f"{bucket_arn}/{k.decode()}") for k in keys]
        raise UnmappedCall(f"S3 bucket call {method} {url.path}?{url.query}")
    arn = f"arn:aws:s3:::{bucket}/{key}"
    if method in ("GET", "HEAD"):
        action = "s3:ListMultipartUploadParts" if "uploadId" in query else "s3:GetObject"
    elif method in ("PUT", "POST"):
        # PutObject, UploadPart, CreateMultipartUpload, CompleteMultipartUpload.
        action = "s3:PutObject"
    elif method == "DELETE":
        action = "s3:AbortMultipartUpload" if "uploadId" in query else "s3:DeleteObject"
    else:
        raise UnmappedCall(f"S3 object call {method} {url.path}")
    return [Authorization(action, arn)]


def scheduler(entry, url):
    method, path = entry["method"], url.path.rstrip("/")
    query = parse_qs(url.query)
    if path == "/schedules":
        return [Authorization("scheduler:ListSchedules", "*")]
    match = re.fullmatch(r"/schedules/([^/]+)", path)
    if not match:
        raise UnmappedCall(f"Scheduler call {method} {path}")
    name = unquote(match.group(1))
    body = json.loads(body_of(entry) or b"{}")
    group = body.get("GroupName") or query.get("groupName", ["default"])[0]
    arn = f"arn:aws:scheduler:{REGION}:{ACCOUNT}:schedule/{group}/{name}"
    action = {"POST": "CreateSchedule", "PUT": "UpdateSchedule", "GET": "GetSchedule", "DELETE": "DeleteSchedule"}[method]
    out = [Authorization(f"scheduler:{action}", arn)]
    role = body.get("Target", {}).get("RoleArn")
    if role:
        # Scheduler checks that the caller may hand the target's role to it.
        out.append(Authorization("iam:PassRole", role, {"iam:PassedToService": "scheduler.amazonaws.com"}))
    return out


def ses(entry, url):
    if entry["method"] == "POST" and url.path.rstrip("/") == "/v2/email/outbound-emails":
        body = json.loads(body_of(entry) or b"{}")
        sender = body.get("FromEmailAddress")
        if not sender:
            raw = base64.b64decode(body["Content"]["Raw"]["Data"]).decode(errors="replace")
            found = re.search(r"^From:.*?([^\s<>\"]+@[^\s<>\"]+)", raw, re.MULTILINE)
            sender = found.group(1) if found else "?"
        address = re.search(r"([^\s<>\"]+@[^\s<>\"]+)", sender).group(1)
        return [Authorization("ses:SendEmail", f"arn:aws:ses:{REGION}:{ACCOUNT}:identity/{address}")]
    raise UnmappedCall(f"SES call {entry['method']} {url.path}")


def sts(entry, url):
    form = parse_qs(body_of(entry).decode())
    action = form["Action"][0]
    if action == "AssumeRole":
        return [Authorization("sts:AssumeRole", form["RoleArn"][0])]
    raise UnmappedCall(f"STS {action}")


def logs(entry, url):
    operation = header(entry, "X-Amz-Target").split(".", 1)[1]
    body = json.loads(body_of(entry) or b"{}")
    group = body["logGroupName"]
    stream = body.get("logStreamName")
    resource = f"arn:aws:logs:{REGION}:{ACCOUNT}:log-group:{group}:log-stream:{stream or ''}"
    return [Authorization(f"logs:{operation}", resource)]


def kms(entry, url):
    operation = header(entry, "X-Amz-Target").split(".", 1)[1]
    key = json.loads(body_of(entry) or b"{}").get("KeyId")
    if key is None:
        # Ferry names its key on every call (Decrypt too), so the key is known.
        raise UnmappedCall(f"KMS {operation} without a KeyId")
    if key.startswith("arn:"):
        resource = key
    else:
        resource = f"arn:aws:kms:{REGION}:{ACCOUNT}:key/{key}"
    return [Authorization(f"kms:{operation}", resource)]


MAPPERS = {"dynamodb": dynamodb, "sqs": sqs, "s3": s3, "scheduler": scheduler, "ses": ses, "sts": sts, "logs": logs, "kms": kms}
