#!/usr/bin/env python3
"""The template's operational rules, checked on the stack as deployed (so
every value is resolved): each rule that fails is printed, and the run fails.

- every queue that is not itself a dead-letter queue has a redrive policy
  with a maxReceiveCount, to a queue of the stack;
- every SQS event source reports batch item failures, and its queue's
  visibility timeout is at least 6 x the consuming function's timeout;
- the export function's concurrency is capped (reserved concurrency, or the
  maximum concurrency of its event source);
- every function has its log group /aws/lambda/<name> with a retention;
- no role has a managed policy, an action wildcard, or Resource "*" except
  for the actions that have no resource-level permissions (RESOURCE_STAR);
- alarms: messages in each dead-letter queue, errors and throttles of each
  function, the export queue's oldest message; all to an SNS topic that
  mails the AdminEmail parameter.

Usage: checks.py STACK_JSON
"""

import json
import sys

import boto3

# Actions AWS authorizes on "*" only (the Service Authorization Reference
# lists no resource type for them).
RESOURCE_STAR = {"scheduler:ListSchedules"}


def as_list(v):
    return v if isinstance(v, list) else [v]


class Checker:
    def __init__(self, stack):
        self.stack = stack
        kw = dict(
            endpoint_url=stack["endpoint"],
            region_name=stack["region"],
            aws_access_key_id="ferry-e2e-checker",
            aws_secret_access_key="ferry-e2e-checker",
        )
        self.sqs, self.iam, self.logs = (boto3.client(s, **kw) for s in ("sqs", "iam", "logs"))
        self.cloudwatch, self.sns = boto3.client("cloudwatch", **kw), boto3.client("sns", **kw)
        self.failures = []
        self.passed = 0

    def check(self, ok, message):
        if ok:
            self.passed += 1
        else:
            self.failures.append(message)

    def queues(self):
        out = {}
        for url in self.sqs.list_queues().get("QueueUrls", []):
            attributes = self.sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
            out[attributes["QueueArn"]] = {"url": url, **attributes}
        return out

    def run(self):
        queues = self.queues()
        dead_letter = {json.loads(q["RedrivePolicy"])["deadLetterTargetArn"] for q in queues.values() if "RedrivePolicy" in q}
        dead_letter |= {v for f in self.stack["functions"].values() for k, v in f["environment"].items() if k == "FERRY_SCHEDULER_DLQ_ARN"}
        for arn, q in sorted(queues.items()):
            name = arn.rsplit(":", 1)[-1]
            if arn in dead_letter:
                continue
            redrive = json.loads(q.get("RedrivePolicy", "{}"))
            self.check(
                int(redrive.get("maxReceiveCount", 0)) > 0 and redrive.get("deadLetterTargetArn") in queues,
                f"queue {name}: no dead-letter queue with a maxReceiveCount (RedrivePolicy)",
            )

        for logical, f in sorted(self.stack["functions"].items()):
            for source in f["eventSources"]:
                queue = queues[source["EventSourceArn"]]
                name = source["EventSourceArn"].rsplit(":", 1)[-1]
                self.check(
                    "ReportBatchItemFailures" in source.get("FunctionResponseTypes", []),
                    f"{logical}: its SQS event source on {name} lacks FunctionResponseTypes [ReportBatchItemFailures]",
                )
                visibility = int(queue["VisibilityTimeout"])
                self.check(
                    visibility >= 6 * f["timeout"],
                    f"queue {name}: VisibilityTimeout {visibility} s < 6 x {logical}'s Timeout {f['timeout']} s",
                )
            group = f"/aws/lambda/{f['name']}"
            found = self.logs.describe_log_groups(logGroupNamePrefix=group)["logGroups"]
            found = [g for g in found if g["logGroupName"] == group]
            self.check(bool(found) and "retentionInDays" in found[0], f"{logical}: no log group {group} with a RetentionInDays")
            self.check_role(logical, f["roleArn"])

        export = self.stack["functions"].get("ExportFunction")
        self.check(export is not None, "no ExportFunction in the stack")
        if export:
            capped = export.get("reservedConcurrency") or any(
                s.get("ScalingConfig", {}).get("MaximumConcurrency") for s in export["eventSources"]
            )
            self.check(bool(capped), "ExportFunction: neither ReservedConcurrentExecutions nor its event source's ScalingConfig.MaximumConcurrency is set")

        self.check_alarms(queues, dead_letter)
        return self.failures

    def check_role(self, logical, role_arn):
        role = role_arn.rsplit("/", 1)[-1]
        attached = self.iam.list_attached_role_policies(RoleName=role)["AttachedPolicies"]
        self.check(not attached, f"{logical}: its role has managed policies {[p['PolicyArn'] for p in attached]} (list the actions in the template)")
        for name in self.iam.list_role_policies(RoleName=role)["PolicyNames"]:
            document = self.iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
            for s in as_list(document["Statement"]):
                actions = as_list(s.get("Action", []))
                sid = s.get("Sid", "?")
                self.check("NotAction" not in s and all("*" not in a for a in actions), f"{logical}: statement {sid} has an action wildcard or NotAction: {actions}")
                if "*" in as_list(s.get("Resource", [])):
                    extra = sorted(set(actions) - RESOURCE_STAR)
                    self.check(not extra, f"{logical}: statement {sid} gives {extra} on Resource \"*\"; only {sorted(RESOURCE_STAR)} need it")

    def check_alarms(self, queues, dead_letter):
        alarms = self.cloudwatch.describe_alarms()["MetricAlarms"]

        def alarmed(namespace, metric, dimension, value):
            return [
                a
                for a in alarms
                if a["Namespace"] == namespace
                and a["MetricName"] == metric
                and {"Name": dimension, "Value": value} in a.get("Dimensions", [])
            ]

        admin = self.stack["parameters"].get("AdminEmail")
        mailing = set()
        for topic in self.sns.list_topics()["Topics"]:
            subs = self.sns.list_subscriptions_by_topic(TopicArn=topic["TopicArn"])["Subscriptions"]
            if any(s["Protocol"] == "email" and s["Endpoint"] == admin for s in subs):
                mailing.add(topic["TopicArn"])
        self.check(bool(mailing), f"no SNS topic has an email subscription to AdminEmail ({admin})")

        wanted = []
        for arn in sorted(dead_letter):
            name = arn.rsplit(":", 1)[-1]
            wanted.append((f"dead-letter queue {name}", "AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", name))
        export_queue = self.stack["functions"]["ExportFunction"]["eventSources"][0]["EventSourceArn"].rsplit(":", 1)[-1]
        wanted.append((f"export queue {export_queue}", "AWS/SQS", "ApproximateAgeOfOldestMessage", "QueueName", export_queue))
        for logical, f in sorted(self.stack["functions"].items()):
            for metric in ("Errors", "Throttles"):
                wanted.append((logical, "AWS/Lambda", metric, "FunctionName", f["name"]))
        for what, namespace, metric, dimension, value in wanted:
            found = alarmed(namespace, metric, dimension, value)
            self.check(bool(found), f"no alarm on {metric} of {what}")
            for a in found:
                self.check(bool(set(a.get("AlarmActions", [])) & mailing), f"alarm {a['AlarmName']} notifies no topic that mails AdminEmail")
        print(f"{len(alarms)} alarms, {len(wanted)} required")


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        stack = json.load(f)
    checker = Checker(stack)
    failures = checker.run()
    if failures:
        print("TEMPLATE CHECKS FAILED:")
        for f in failures:
            print(f"  - {f}")
        sys.exit(1)
    print(f"template checks: {checker.passed} passed")


if __name__ == "__main__":
    main()
