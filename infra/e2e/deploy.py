#!/usr/bin/env python3
"""Deploys the transformed template (transform.py's output) into the AWS
emulator the way CloudFormation would: parameters and conditions resolved,
resources created in dependency order with CloudFormation-style physical
names, `Ref`/`Fn::GetAtt`/`Fn::Sub`/`Fn::If`/`Fn::Join`/`Fn::Select`
resolved against what was created.

moto's own CloudFormation answers 500 on this template (it has no
AWS::Scheduler::* nor AWS::ApiGateway::Stage), so resources are created
here with boto3, one creator per type. A type without a creator fails the
deploy naming it; the few types the emulator cannot act on (event source
mappings: moto would invoke the function in Docker) are recorded, and the
test harness plays their part with what they say.

Each function's execution role is assumed through STS, as Lambda does: the
temporary credentials sign every call the function makes in the run, so the
recording says which role made which call (least_privilege.py).

Usage: deploy.py ENDPOINT TRANSFORMED_JSON STACK_NAME OUT_JSON [Key=Value ...]
"""

import io
import json
import re
import sys
import zipfile

import boto3

REGION = "us-east-1"
ACCOUNT = "123456789012"
ARTIFACT_KEY = "ferry-functions.zip"
# Types the emulator cannot act on; kept in the output for the harness.
# The bucket policy denies plain HTTP (aws:SecureTransport false): moto
# enforces it, and the emulator speaks only HTTP.
RECORDED_ONLY = {"AWS::Lambda::EventSourceMapping", "AWS::Lambda::EventInvokeConfig", "AWS::S3::BucketPolicy"}


class DeployError(Exception):
    pass


class Deployer:
    def __init__(self, endpoint, template, stack_name, parameters):
        self.kw = dict(
            endpoint_url=endpoint,
            region_name=REGION,
            aws_access_key_id="ferry-e2e-deployer",
            aws_secret_access_key="ferry-e2e-deployer",
        )
        self.endpoint = endpoint
        self.template = template
        self.stack = stack_name
        self.params = self._parameters(parameters)
        self.conditions = {}
        self.physical = {}
        self.attributes = {}
        self.recorded = {}
        self.counter = 0

    def client(self, service):
        return boto3.client(service, **self.kw)

    # ------------------------------------------------------------ intrinsics
    def _parameters(self, given):
        values = {}
        for name, spec in self.template.get("Parameters", {}).items():
            if name in given:
                value = given[name]
            elif "Default" in spec:
                value = spec["Default"]
            else:
                raise DeployError(f"parameter {name} has no value and no default")
            if spec["Type"] == "CommaDelimitedList":
                value = [] if str(value) == "" else [v.strip() for v in str(value).split(",")]
            elif "AllowedPattern" in spec and not re.fullmatch(spec["AllowedPattern"], str(value)):
                raise DeployError(f"parameter {name}={value!r} does not match {spec['AllowedPattern']}")
            values[name] = value
        unknown = set(given) - set(values)
        if unknown:
            raise DeployError(f"parameters not in the template: {sorted(unknown)}")
        return values

    def pseudo(self, name):
        return {
            "AWS::Region": REGION,
            "AWS::AccountId": ACCOUNT,
            "AWS::StackName": self.stack,
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
        }.get(name)

    def ref(self, name):
        if name in self.params:
            return self.params[name]
        if self.pseudo(name) is not None:
            return self.pseudo(name)
        if name not in self.physical:
            raise DeployError(f"Ref {name} before it exists")
        return self.physical[name]

    def get_att(self, name, attribute):
        try:
            return self.attributes[name][attribute]
        except KeyError:
            raise DeployError(f"Fn::GetAtt {name}.{attribute} is not known") from None

    def sub(self, text, variables=None):
        variables = variables or {}

        def one(match):
            key = match.group(1)
            if key in variables:
                return str(self.resolve(variables[key]))
            if "." in key:
                return str(self.get_att(*key.split(".", 1)))
            return str(self.ref(key))

        return re.sub(r"\$\{([^}!]+)\}", one, text)

    def resolve(self, value):
        if isinstance(value, list):
            return [v for v in (self.resolve(v) for v in value) if v is not NO_VALUE]
        if not isinstance(value, dict):
            return value
        if len(value) == 1:
            (key, arg), = value.items()
            if key == "Ref":
                return NO_VALUE if arg == "AWS::NoValue" else self.ref(arg)
            if key == "Fn::GetAtt":
                name, attribute = arg if isinstance(arg, list) else arg.split(".", 1)
                return self.get_att(name, attribute)
            if key == "Fn::Sub":
                return self.sub(arg) if isinstance(arg, str) else self.sub(arg[0], arg[1])
            if key == "Fn::If":
                return self.resolve(arg[1] if self.condition(arg[0]) else arg[2])
            if key == "Fn::Join":
                return arg[0].join(str(v) for v in self.resolve(arg[1]))
            if key == "Fn::Select":
                return self.resolve(arg[1])[int(self.resolve(arg[0]))]
            if key == "Fn::Equals":
                return self.resolve(arg[0]) == self.resolve(arg[1])
            if key == "Fn::Not":
                return not self.resolve(arg[0])
            if key == "Condition":
                return self.condition(arg)
        return {k: v for k, v in ((k, self.resolve(v)) for k, v in value.items()) if v is not NO_VALUE}

    def condition(self, name):
        if name not in self.conditions:
            self.conditions[name] = bool(self.resolve(self.template["Conditions"][name]))
        return self.conditions[name]

    # ------------------------------------------------------------ ordering
    def dependencies(self, name, resource):
        found = set()

        def walk(v):
            if isinstance(v, dict):
                for k, a in v.items():
                    if k == "Ref" and isinstance(a, str):
                        found.add(a)
                    elif k == "Fn::GetAtt":
                        found.add(a[0] if isinstance(a, list) else a.split(".")[0])
                    elif k == "Fn::Sub":
                        text = a if isinstance(a, str) else a[0]
                        found.update(m.split(".")[0] for m in re.findall(r"\$\{([^}!]+)\}", text))
                        walk(a)
                    else:
                        walk(a)
            elif isinstance(v, list):
                for a in v:
                    walk(a)

        walk(resource.get("Properties", {}))
        depends = resource.get("DependsOn", [])
        found.update([depends] if isinstance(depends, str) else depends)
        return {d for d in found if d in self.template["Resources"] and d != name}

    def order(self):
        resources = self.template["Resources"]
        done, ordered = set(), []
        pending = dict(resources)
        while pending:
            ready = [n for n, r in pending.items() if self.dependencies(n, r) <= done]
            if not ready:
                raise DeployError(f"circular dependencies among {sorted(pending)}")
            for n in sorted(ready):
                ordered.append(n)
                done.add(n)
                del pending[n]
        return ordered

    def name(self, logical, lower=False, limit=64):
        self.counter += 1
        text = f"{self.stack}-{logical}-{self.counter:04d}E2E"[:limit]
        return text.lower() if lower else text

    # ------------------------------------------------------------ deploy
    def deploy(self):
        self.artifacts()
        for name in self.order():
            resource = self.template["Resources"][name]
            if "Condition" in resource and not self.condition(resource["Condition"]):
                continue
            kind = resource["Type"]
            props = self.resolve(resource.get("Properties", {}))
            if kind in RECORDED_ONLY:
                self.physical[name] = self.name(name)
                self.recorded[name] = {"Type": kind, "Properties": props}
                continue
            creator = CREATORS.get(kind)
            if creator is None:
                raise DeployError(f"{name}: no creator for {kind} (add one to infra/e2e/resources.py)")
            creator(self, name, props)
        return self.output()

    def artifacts(self):
        """The bucket `sam package` uploads the functions' code to."""
        bucket = f"{self.stack}-artifacts-e2e".lower()
        s3 = self.client("s3")
        s3.create_bucket(Bucket=bucket)
        code = io.BytesIO()
        with zipfile.ZipFile(code, "w") as z:
            z.writestr("bootstrap", "#!/bin/sh\n# The handlers run in-process in the e2e test.\n")
        s3.put_object(Bucket=bucket, Key=ARTIFACT_KEY, Body=code.getvalue())

    def output(self):
        functions = {}
        lam, sts = self.client("lambda"), self.client("sts")
        for name, resource in self.template["Resources"].items():
            if resource["Type"] != "AWS::Lambda::Function" or name not in self.physical:
                continue
            config = lam.get_function_configuration(FunctionName=self.physical[name])
            credentials = sts.assume_role(RoleArn=config["Role"], RoleSessionName=config["FunctionName"])["Credentials"]
            sources = [
                r["Properties"]
                for r in self.recorded.values()
                if r["Type"] == "AWS::Lambda::EventSourceMapping" and r["Properties"]["FunctionName"] == self.physical[name]
            ]
            on_failure = [
                r["Properties"]["DestinationConfig"]["OnFailure"]["Destination"]
                for r in self.recorded.values()
                if r["Type"] == "AWS::Lambda::EventInvokeConfig"
                and r["Properties"]["FunctionName"] == self.physical[name]
                and "OnFailure" in r["Properties"].get("DestinationConfig", {})
            ]
            concurrency = lam.get_function_concurrency(FunctionName=self.physical[name]).get("ReservedConcurrentExecutions")
            functions[name] = {
                "name": config["FunctionName"],
                "arn": config["FunctionArn"],
                "roleArn": config["Role"],
                "timeout": config["Timeout"],
                "reservedConcurrency": concurrency,
                "environment": config.get("Environment", {}).get("Variables", {}),
                "credentials": {
                    "accessKeyId": credentials["AccessKeyId"],
                    "secretAccessKey": credentials["SecretAccessKey"],
                    "sessionToken": credentials["SessionToken"],
                },
                "onFailure": on_failure,
                "eventSources": [
                    {**s, "QueueUrl": self.queue_url_of(s["EventSourceArn"])} for s in sources
                ],
            }
        return {
            "endpoint": self.endpoint,
            "region": REGION,
            "account": ACCOUNT,
            "stackName": self.stack,
            "parameters": self.params,
            "resources": self.physical,
            "functions": functions,
        }

    def queue_url_of(self, arn):
        for name, attributes in self.attributes.items():
            if attributes.get("Arn") == arn and "QueueUrl" in attributes:
                return attributes["QueueUrl"]
        raise DeployError(f"no queue {arn} in the stack")


class _NoValue:
    def __repr__(self):
        return "AWS::NoValue"


NO_VALUE = _NoValue()

from resources import CREATORS  # noqa: E402  (the creators use Deployer's helpers)


def main():
    endpoint, template_path, stack_name, out_path, *pairs = sys.argv[1:]
    parameters = dict(p.split("=", 1) for p in pairs)
    with open(template_path, encoding="utf-8") as f:
        template = json.load(f)
    try:
        stack = Deployer(endpoint, template, stack_name, parameters).deploy()
    except DeployError as e:
        sys.exit(f"deploy: {e}")
    with open(out_path, "w", encoding="utf-8") as f:
        json.dump(stack, f, indent=1, sort_keys=True)
    print(f"deployed {len(stack['resources'])} resources of stack {stack_name} into {endpoint}")


if __name__ == "__main__":
    main()
