#!/usr/bin/env python3
"""The SAM transform of infra/template.yaml, offline, as `sam deploy` has
CloudFormation apply it: aws-sam-translator (the library CloudFormation's
`AWS::Serverless-2016-10-31` transform runs) turns the template's
`AWS::Serverless::*` resources into plain CloudFormation (functions, their
roles, event source mappings, the REST API's deployment and stage).

`sam package` first uploads each function's CodeUri and rewrites it to an
S3 URI; this does the same rewrite to the artifacts bucket the deployer
creates, so the translator sees what it would on AWS.

Usage: transform.py TEMPLATE ARTIFACTS_BUCKET > transformed.json
Runs in its own virtualenv (infra/e2e/requirements.txt): the translator
brings its own boto3.
"""

import json
import os
import sys

from samtranslator.translator.transform import transform
from samtranslator.yaml_helper import yaml_parse

ARTIFACT_KEY = "ferry-functions.zip"


class NoManagedPolicyNames:
    """The translator asks IAM for managed policies named (not ARN'd) in a
    function's Policies. Ferry's template names none, so nothing is looked up."""

    def load(self):
        return {}


def main():
    template_path, bucket = sys.argv[1], sys.argv[2]
    with open(template_path, encoding="utf-8") as f:
        template = yaml_parse(f.read())
    code_uri = f"s3://{bucket}/{ARTIFACT_KEY}"
    template.get("Globals", {}).get("Function", {}).pop("CodeUri", None)
    for resource in template["Resources"].values():
        if resource["Type"] == "AWS::Serverless::Function":
            resource.setdefault("Properties", {})["CodeUri"] = code_uri
    # The translator builds ARNs for the region it runs in; the emulator's.
    os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
    transformed = transform(template, {}, NoManagedPolicyNames())
    json.dump(transformed, sys.stdout, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
