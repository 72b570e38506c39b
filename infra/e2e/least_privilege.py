#!/usr/bin/env python3
"""Least privilege, proven on the run's recording: every call a function's
role signed (calls.py maps it to IAM's actions and resources) must be
allowed by the policies the deployed stack attached to that role, and every
statement of those policies must allow at least one recorded call.

The evaluator is moto's IAM policy engine (moto.iam.access_control, what
moto's own IAM enforcement runs): Allow/Deny, Action and Resource patterns,
Conditions. The policies are read back from the emulator's IAM, as the
deploy created them from the template.

Usage: least_privilege.py STACK_JSON RECORDING
Exits 1 naming each call not allowed and each statement not used.
"""

import json
import sys
from collections import defaultdict

import boto3
from moto.iam.access_control import IAMPolicy, IAMPolicyStatement, PermissionResult

from calls import UnmappedCall, credential, parse


def role_policies(iam, role_arn):
    """(policy name, document) of every policy on the role."""
    role = role_arn.rsplit("/", 1)[-1]
    out = []
    for name in iam.list_role_policies(RoleName=role)["PolicyNames"]:
        out.append((name, iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]))
    for attached in iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]:
        policy = iam.get_policy(PolicyArn=attached["PolicyArn"])["Policy"]
        version = iam.get_policy_version(PolicyArn=policy["Arn"], VersionId=policy["DefaultVersionId"])
        out.append((attached["PolicyArn"], version["PolicyVersion"]["Document"]))
    return out


def statements(document):
    s = document["Statement"]
    return s if isinstance(s, list) else [s]


def describe(statement):
    actions = statement.get("Action")
    actions = actions if isinstance(actions, list) else [actions]
    resources = statement.get("Resource")
    resources = resources if isinstance(resources, list) else [resources]
    sid = f"{statement['Sid']}: " if "Sid" in statement else ""
    return f"{sid}{statement['Effect']} {', '.join(actions)} on {', '.join(map(str, resources))}"


def main():
    stack_path, recording_path = sys.argv[1], sys.argv[2]
    with open(stack_path, encoding="utf-8") as f:
        stack = json.load(f)
    iam = boto3.client(
        "iam",
        endpoint_url=stack["endpoint"],
        region_name=stack["region"],
        aws_access_key_id="ferry-e2e-checker",
        aws_secret_access_key="ferry-e2e-checker",
    )
    by_key = {f["credentials"]["accessKeyId"]: logical for logical, f in stack["functions"].items()}
    calls = defaultdict(list)
    others, problems = 0, []
    with open(recording_path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            entry = json.loads(line)
            if credential(entry)[0] not in by_key:
                others += 1
                continue
            try:
                call = parse(entry)
            except (UnmappedCall, KeyError, ValueError) as e:
                problems.append(f"cannot check a recorded call ({type(e).__name__}: {e}): {entry['method']} {entry['url'][:160]}")
                continue
            calls[by_key[call.key]].append(call)

    for logical, function in sorted(stack["functions"].items()):
        policies = role_policies(iam, function["roleArn"])
        documents = [IAMPolicy(json.dumps(doc)) for _, doc in policies]
        used = defaultdict(int)
        actions = defaultdict(int)
        denied = defaultdict(list)
        for call in calls[logical]:
            for a in call.authorizations:
                results = [d.is_action_permitted(a.action, a.resource, incoming_condition_values=a.conditions) for d in documents]
                allowed = PermissionResult.PERMITTED in results and PermissionResult.DENIED not in results
                if not allowed:
                    denied[(a.action, a.resource)].append(call.what)
                actions[a.action] += 1
                for name, doc in policies:
                    for i, s in enumerate(statements(doc)):
                        r = IAMPolicyStatement(s).is_action_permitted(a.action, a.resource, incoming_condition_values=a.conditions)
                        if r == PermissionResult.PERMITTED:
                            used[(name, i)] += 1
        for (action, resource), whats in sorted(denied.items()):
            problems.append(f"{logical}: {action} on {resource} is not allowed by its role ({len(whats)} calls, e.g. {whats[0]})")
        print(f"{logical} ({function['name']}): {len(calls[logical])} calls")
        for action, n in sorted(actions.items()):
            print(f"    {n:5d}  {action}")
        for name, doc in policies:
            for i, s in enumerate(statements(doc)):
                if s["Effect"] == "Allow" and used[(name, i)] == 0:
                    problems.append(f"{logical}: statement {describe(s)} (policy {name}) allows no recorded call")
    print(f"{others} calls by the operator and the test harness, not checked")
    if problems:
        print("\nLEAST PRIVILEGE FAILED:")
        for p in problems:
            print(f"  - {p}")
        sys.exit(1)
    print("least privilege: every call allowed, every statement used")


if __name__ == "__main__":
    main()
