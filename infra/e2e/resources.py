"""One creator per CloudFormation resource type of Ferry's transformed
template: the boto3 calls CloudFormation's own handler would make, with the
template's properties. Each sets the resource's `Ref` value (physical) and
its `Fn::GetAtt` attributes."""

import json

REGION = "us-east-1"
ACCOUNT = "123456789012"


def arn(service, rest, region=REGION):
    return f"arn:aws:{service}:{region}:{ACCOUNT}:{rest}"


def table(d, name, p):
    physical = p.get("TableName") or d.name(name)
    args = {k: p[k] for k in ("AttributeDefinitions", "KeySchema", "GlobalSecondaryIndexes", "BillingMode") if k in p}
    ddb = d.client("dynamodb")
    ddb.create_table(TableName=physical, **args)
    ttl = p.get("TimeToLiveSpecification")
    if ttl:
        ddb.update_time_to_live(TableName=physical, TimeToLiveSpecification=ttl)
    d.physical[name] = physical
    d.attributes[name] = {"Arn": arn("dynamodb", f"table/{physical}")}


def bucket(d, name, p):
    physical = p.get("BucketName") or d.name(name, lower=True, limit=63)
    s3 = d.client("s3")
    s3.create_bucket(Bucket=physical)
    if "BucketEncryption" in p:
        s3.put_bucket_encryption(Bucket=physical, ServerSideEncryptionConfiguration={"Rules": [encryption(r) for r in p["BucketEncryption"]["ServerSideEncryptionConfiguration"]]})
    if "PublicAccessBlockConfiguration" in p:
        s3.put_public_access_block(Bucket=physical, PublicAccessBlockConfiguration=p["PublicAccessBlockConfiguration"])
    rules = p.get("LifecycleConfiguration", {}).get("Rules", [])
    if rules:
        s3.put_bucket_lifecycle_configuration(Bucket=physical, LifecycleConfiguration={"Rules": [lifecycle(r) for r in rules]})
    d.physical[name] = physical
    d.attributes[name] = {"Arn": f"arn:aws:s3:::{physical}", "DomainName": f"{physical}.s3.amazonaws.com"}


def encryption(rule):
    # CloudFormation's name for what the S3 API calls ApplyServerSideEncryptionByDefault.
    out = {k: v for k, v in rule.items() if k != "ServerSideEncryptionByDefault"}
    out["ApplyServerSideEncryptionByDefault"] = rule["ServerSideEncryptionByDefault"]
    return out


def lifecycle(rule):
    out = {"ID": rule.get("Id", ""), "Status": rule["Status"], "Filter": {"Prefix": rule.get("Prefix", "")}}
    if "ExpirationInDays" in rule:
        out["Expiration"] = {"Days": int(rule["ExpirationInDays"])}
    if "AbortIncompleteMultipartUpload" in rule:
        out["AbortIncompleteMultipartUpload"] = rule["AbortIncompleteMultipartUpload"]
    return out


def bucket_policy(d, name, p):
    d.client("s3").put_bucket_policy(Bucket=p["Bucket"], Policy=json.dumps(p["PolicyDocument"]))
    d.physical[name] = p["Bucket"]


QUEUE_ATTRIBUTES = ("VisibilityTimeout", "MessageRetentionPeriod", "DelaySeconds", "MaximumMessageSize", "ReceiveMessageWaitTimeSeconds", "SqsManagedSseEnabled", "KmsMasterKeyId")


def queue(d, name, p):
    physical = p.get("QueueName") or d.name(name, limit=80)
    attributes = {k: str(p[k]).lower() if isinstance(p[k], bool) else str(p[k]) for k in QUEUE_ATTRIBUTES if k in p}
    if "RedrivePolicy" in p:
        attributes["RedrivePolicy"] = json.dumps(p["RedrivePolicy"])
    url = d.client("sqs").create_queue(QueueName=physical, Attributes=attributes)["QueueUrl"]
    d.physical[name] = url
    d.attributes[name] = {"Arn": arn("sqs", physical), "QueueName": physical, "QueueUrl": url}


def role(d, name, p):
    physical = p.get("RoleName") or d.name(name)
    iam = d.client("iam")
    created = iam.create_role(RoleName=physical, Path=p.get("Path", "/"), AssumeRolePolicyDocument=json.dumps(p["AssumeRolePolicyDocument"]))
    for policy in p.get("Policies", []):
        iam.put_role_policy(RoleName=physical, PolicyName=policy["PolicyName"], PolicyDocument=json.dumps(policy["PolicyDocument"]))
    for managed in p.get("ManagedPolicyArns", []):
        iam.attach_role_policy(RoleName=physical, PolicyArn=managed)
    d.physical[name] = physical
    d.attributes[name] = {"Arn": created["Role"]["Arn"], "RoleId": created["Role"]["RoleId"]}


def schedule_group(d, name, p):
    physical = p.get("Name") or d.name(name)
    created = d.client("scheduler").create_schedule_group(Name=physical)
    d.physical[name] = physical
    d.attributes[name] = {"Arn": created["ScheduleGroupArn"]}


def schedule(d, name, p):
    physical = p.get("Name") or d.name(name)
    args = {k: p[k] for k in ("ScheduleExpression", "FlexibleTimeWindow", "Target", "Description", "GroupName", "State") if k in p}
    created = d.client("scheduler").create_schedule(Name=physical, **args)
    d.physical[name] = physical
    d.attributes[name] = {"Arn": created["ScheduleArn"]}


def rest_api(d, name, p):
    title = p.get("Name") or p.get("Body", {}).get("info", {}).get("title") or d.name(name)
    created = d.client("apigateway").create_rest_api(name=title, endpointConfiguration={"types": p.get("EndpointConfiguration", {}).get("Types", ["REGIONAL"])})
    api = created["id"]
    d.physical[name] = api
    d.attributes[name] = {"RootResourceId": created.get("rootResourceId", "")}
    # moto's ImportRestApi fails (500) on this OpenAPI body: its paths and
    # proxy integrations are created one by one instead.
    client = d.client("apigateway")
    ids = {"/": next(r["id"] for r in client.get_resources(restApiId=api)["items"] if r["path"] == "/")}
    for path, methods in sorted(p.get("Body", {}).get("paths", {}).items()):
        parent = "/"
        for part in [s for s in path.split("/") if s]:
            here = parent.rstrip("/") + "/" + part
            if here not in ids:
                ids[here] = client.create_resource(restApiId=api, parentId=ids[parent], pathPart=part)["id"]
            parent = here
        for verb, method in methods.items():
            http = "ANY" if verb == "x-amazon-apigateway-any-method" else verb.upper()
            integration = method["x-amazon-apigateway-integration"]
            client.put_method(restApiId=api, resourceId=ids[parent], httpMethod=http, authorizationType="NONE")
            client.put_integration(restApiId=api, resourceId=ids[parent], httpMethod=http, type=integration["type"].upper(), integrationHttpMethod=integration["httpMethod"], uri=integration["uri"])


def deployment(d, name, p):
    created = d.client("apigateway").create_deployment(restApiId=p["RestApiId"], description=p.get("Description", ""))
    d.physical[name] = created["id"]
    d.attributes[name] = {}


def stage(d, name, p):
    d.client("apigateway").create_stage(restApiId=p["RestApiId"], stageName=p["StageName"], deploymentId=p["DeploymentId"])
    d.physical[name] = p["StageName"]
    d.attributes[name] = {}


FUNCTION_ARGS = ("Runtime", "Role", "Handler", "Code", "Description", "Timeout", "MemorySize", "Environment", "Architectures", "EphemeralStorage", "LoggingConfig", "Tags")


def function(d, name, p):
    physical = p.get("FunctionName") or d.name(name)
    args = {k: p[k] for k in FUNCTION_ARGS if k in p}
    if "Tags" in args:
        args["Tags"] = {t["Key"]: t["Value"] for t in args["Tags"]}
    lam = d.client("lambda")
    created = lam.create_function(FunctionName=physical, **args)
    if "ReservedConcurrentExecutions" in p:
        lam.put_function_concurrency(FunctionName=physical, ReservedConcurrentExecutions=int(p["ReservedConcurrentExecutions"]))
    d.physical[name] = physical
    d.attributes[name] = {"Arn": created["FunctionArn"]}


def permission(d, name, p):
    statement = f"{name}-{d.counter}"
    d.client("lambda").add_permission(FunctionName=p["FunctionName"], StatementId=statement, Action=p["Action"], Principal=p["Principal"], SourceArn=p.get("SourceArn", ""))
    d.physical[name] = statement


def topic(d, name, p):
    physical = p.get("TopicName") or d.name(name)
    created = d.client("sns").create_topic(Name=physical)
    d.physical[name] = created["TopicArn"]
    d.attributes[name] = {"TopicArn": created["TopicArn"], "TopicName": physical}


def subscription(d, name, p):
    created = d.client("sns").subscribe(TopicArn=p["TopicArn"], Protocol=p["Protocol"], Endpoint=p["Endpoint"])
    d.physical[name] = created["SubscriptionArn"]


ALARM_ARGS = ("AlarmDescription", "ActionsEnabled", "OKActions", "AlarmActions", "InsufficientDataActions", "MetricName", "Namespace", "Statistic", "Dimensions", "Period", "EvaluationPeriods", "DatapointsToAlarm", "Threshold", "ComparisonOperator", "TreatMissingData")


def alarm(d, name, p):
    physical = p.get("AlarmName") or d.name(name, limit=255)
    args = {k: p[k] for k in ALARM_ARGS if k in p}
    for k in ("Period", "EvaluationPeriods", "DatapointsToAlarm"):
        if k in args:
            args[k] = int(args[k])
    if "Threshold" in args:
        args["Threshold"] = float(args["Threshold"])
    d.client("cloudwatch").put_metric_alarm(AlarmName=physical, **args)
    d.physical[name] = physical
    d.attributes[name] = {"Arn": arn("cloudwatch", f"alarm:{physical}")}


def log_group(d, name, p):
    physical = p.get("LogGroupName") or d.name(name)
    logs = d.client("logs")
    logs.create_log_group(logGroupName=physical)
    if "RetentionInDays" in p:
        logs.put_retention_policy(logGroupName=physical, retentionInDays=int(p["RetentionInDays"]))
    d.physical[name] = physical
    d.attributes[name] = {"Arn": arn("logs", f"log-group:{physical}:*")}


def kms_key(d, name, p):
    kms = d.client("kms")
    args = {"Description": p.get("Description", "")}
    if "KeyPolicy" in p:
        args["Policy"] = json.dumps(p["KeyPolicy"])
    key = kms.create_key(**args)["KeyMetadata"]
    if p.get("EnableKeyRotation"):
        kms.enable_key_rotation(KeyId=key["KeyId"])
    d.physical[name] = key["KeyId"]
    d.attributes[name] = {"Arn": key["Arn"], "KeyId": key["KeyId"]}


CREATORS = {
    "AWS::DynamoDB::Table": table,
    "AWS::S3::Bucket": bucket,
    "AWS::S3::BucketPolicy": bucket_policy,
    "AWS::SQS::Queue": queue,
    "AWS::IAM::Role": role,
    "AWS::Scheduler::ScheduleGroup": schedule_group,
    "AWS::Scheduler::Schedule": schedule,
    "AWS::ApiGateway::RestApi": rest_api,
    "AWS::ApiGateway::Deployment": deployment,
    "AWS::ApiGateway::Stage": stage,
    "AWS::Lambda::Function": function,
    "AWS::Lambda::Permission": permission,
    "AWS::SNS::Topic": topic,
    "AWS::SNS::Subscription": subscription,
    "AWS::CloudWatch::Alarm": alarm,
    "AWS::Logs::LogGroup": log_group,
    "AWS::KMS::Key": kms_key,
}
