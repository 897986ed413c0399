"""Create every resource of a template on the moto server, and collect what the runtime serves and runs.

Each resource type has one creator returning its Physical (Ref and attributes);
types the runtime has no use for (IAM, log groups, alarms...) get plausible names only.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import boto3

from local.auth import JwtConfig
from local.template import Physical, Template, TemplateError, load_file
from local.workers import FunctionSpec

ROLE_NAME = "propdesk-local-execution"
_DUMMY_ZIP: bytes


def _dummy_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("README.txt", "code runs in a local worker, not from this archive\n")
    return buffer.getvalue()


_DUMMY_ZIP = _dummy_zip()


@dataclass(frozen=True, slots=True)
class Route:
    """One HttpApi route: METHOD path -> function, with its authorizer (None: no auth)."""

    api: str
    method: str  # ANY, GET, POST...
    path: str  # /tickets/{id}, /{proxy+}, $default
    function: str  # logical id
    authorizer: JwtConfig | None
    scopes: tuple[str, ...] = ()

    @property
    def route_key(self) -> str:
        return "$default" if self.path == "$default" else f"{self.method} {self.path}"


@dataclass(slots=True)
class HttpApiSpec:
    logical_id: str
    api_id: str
    default_authorizer: str | None
    authorizers: dict[str, JwtConfig]
    routes: list[Route] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ScheduleSpec:
    """A schedule the runtime fires: Scheduler schedules, SAM Schedule/ScheduleV2 events, Events rules."""

    name: str
    arn: str
    expression: str
    timezone: str | None
    target_arn: str
    input: str | None
    enabled: bool
    kind: str  # scheduler | events
    retry_attempts: int = 2
    dead_letter_arn: str | None = None


@dataclass
class Stack:
    """What the runtime needs after provisioning."""

    physical: dict[str, Physical] = field(default_factory=dict)
    functions: dict[str, FunctionSpec] = field(default_factory=dict)
    apis: dict[str, HttpApiSpec] = field(default_factory=dict)
    schedules: list[ScheduleSpec] = field(default_factory=list)
    state_machines: dict[str, str] = field(default_factory=dict)  # arn -> logical id
    skipped: list[str] = field(default_factory=list)


# UserPoolClient properties that CreateUserPoolClient takes under the same names.
_APP_CLIENT_SETTINGS = (
    "ExplicitAuthFlows",
    "AllowedOAuthFlowsUserPoolClient",
    "AllowedOAuthFlows",
    "AllowedOAuthScopes",
    "SupportedIdentityProviders",
    "CallbackURLs",
    "LogoutURLs",
)


def _name(template: Template, logical_id: str, limit: int = 64) -> str:
    """A deterministic physical name where the template gives none (CloudFormation adds a random suffix)."""
    return f"{template.stack_name}-{logical_id}"[:limit]


def _stringify(env: Mapping[str, Any]) -> dict[str, str]:
    return {key: json.dumps(value) if isinstance(value, dict | list) else str(value) for key, value in env.items()}


class Provisioner:
    """Creates the template's resources in dependency order on the moto endpoint."""

    def __init__(
        self,
        template: Template,
        endpoint: str,
        function_env: Mapping[str, str],
    ) -> None:
        self.t = template
        self.endpoint = endpoint
        self.function_env = function_env
        self.stack = Stack()
        self._session = boto3.session.Session(
            aws_access_key_id="testing",
            aws_secret_access_key="testing",  # noqa: S106 - moto's fake credentials
            region_name=template.region,
        )
        self._clients: dict[str, Any] = {}
        self._layers: dict[str, Path] = {}  # layer version ARN -> folder on sys.path
        self._role_arn = f"arn:aws:iam::{template.account_id}:role/{ROLE_NAME}"
        self._creators: dict[str, Callable[[str, dict[str, Any]], Physical]] = {
            "AWS::DynamoDB::Table": self._dynamodb_table,
            "AWS::Serverless::SimpleTable": self._simple_table,
            "AWS::S3::Bucket": self._bucket,
            "AWS::SNS::Topic": self._topic,
            "AWS::SNS::Subscription": self._subscription,
            "AWS::SQS::Queue": self._queue,
            "AWS::SSM::Parameter": self._ssm_parameter,
            "AWS::Cognito::UserPool": self._user_pool,
            "AWS::Cognito::UserPoolClient": self._user_pool_client,
            "AWS::Cognito::UserPoolGroup": self._user_pool_group,
            "AWS::Cognito::UserPoolDomain": self._user_pool_domain,
            "AWS::CloudFront::OriginAccessControl": self._origin_access_control,
            "AWS::CloudFront::Distribution": self._distribution,
            "AWS::Serverless::LayerVersion": self._layer,
            "AWS::Lambda::LayerVersion": self._layer,
            "AWS::Serverless::Function": self._function,
            "AWS::Lambda::Function": self._function,
            "AWS::Lambda::EventSourceMapping": self._event_source_mapping,
            "AWS::Serverless::HttpApi": self._http_api,
            "AWS::Serverless::StateMachine": self._state_machine,
            "AWS::StepFunctions::StateMachine": self._state_machine,
            "AWS::Scheduler::ScheduleGroup": self._schedule_group,
            "AWS::Scheduler::Schedule": self._schedule,
            "AWS::Events::Rule": self._events_rule,
        }

    def client(self, service: str) -> Any:
        if service not in self._clients:
            self._clients[service] = self._session.client(service, endpoint_url=self.endpoint)
        return self._clients[service]

    # ------------------------------------------------------------ driver

    def provision(self) -> Stack:
        self.client("iam").create_role(
            RoleName=ROLE_NAME,
            AssumeRolePolicyDocument=json.dumps({"Version": "2012-10-17", "Statement": []}),
        )
        # Events are wired after every resource exists: they are separate resources on AWS too.
        order = self.t.creation_order(skip=lambda lid: frozenset({"Events"}))
        for logical_id in order:
            resource = self.t.resources[logical_id]
            kind = str(resource["Type"])
            props = {k: v for k, v in (resource.get("Properties") or {}).items() if k != "Events"}
            resolved = self.t.resolve(props, self.stack.physical)
            creator = self._creators.get(kind)
            if creator is None:
                self.stack.physical[logical_id] = self._placeholder(logical_id, kind, resolved)
                # Permissions and policies change nothing on moto, which does not enforce IAM.
                silent = kind.startswith(("AWS::IAM::", "AWS::Logs::", "AWS::CloudWatch::")) or kind.endswith(
                    ("Policy", "Permission")
                )
                if not silent:
                    self.stack.skipped.append(f"{logical_id} ({kind})")
                continue
            self.stack.physical[logical_id] = creator(logical_id, resolved)
        for logical_id in order:
            events = (self.t.resources[logical_id].get("Properties") or {}).get("Events")
            if events:
                self._events(logical_id, self.t.resolve(events, self.stack.physical))
        return self.stack

    def _placeholder(self, logical_id: str, kind: str, props: Mapping[str, Any]) -> Physical:
        service = kind.split("::")[1].lower()
        name = str(props.get("LogGroupName") or props.get("RoleName") or _name(self.t, logical_id))
        arn = f"arn:aws:{service}:{self.t.region}:{self.t.account_id}:{logical_id}/{name}"

        class _AnyAttribute(dict[str, Any]):
            def __contains__(self, key: object) -> bool:
                return True

            def __missing__(self, key: str) -> str:
                return arn if key.endswith("Arn") else name

        return Physical(ref=name, attrs=_AnyAttribute(Arn=arn))

    # ------------------------------------------------------------ data

    def _dynamodb_table(self, logical_id: str, props: dict[str, Any]) -> Physical:
        name = props.get("TableName") or _name(self.t, logical_id, 255)
        args: dict[str, Any] = {
            "TableName": name,
            "KeySchema": props["KeySchema"],
            "AttributeDefinitions": props["AttributeDefinitions"],
            "BillingMode": props.get("BillingMode", "PROVISIONED"),
        }
        throughput = props.get("ProvisionedThroughput") or {"ReadCapacityUnits": 5, "WriteCapacityUnits": 5}
        if args["BillingMode"] == "PROVISIONED":
            args["ProvisionedThroughput"] = _ints(throughput)
        for key in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
            if props.get(key):
                indexes = [dict(i) for i in props[key]]
                if args["BillingMode"] == "PROVISIONED" and key.startswith("Global"):
                    for index in indexes:
                        index["ProvisionedThroughput"] = _ints(index.get("ProvisionedThroughput") or throughput)
                args[key] = indexes
        stream = props.get("StreamSpecification")
        if stream:
            args["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": stream["StreamViewType"]}
        ddb = self.client("dynamodb")
        table = ddb.create_table(**args)["TableDescription"]
        ttl = props.get("TimeToLiveSpecification")
        if ttl and str(ttl.get("Enabled")).lower() == "true":
            ddb.update_time_to_live(
                TableName=name, TimeToLiveSpecification={"AttributeName": ttl["AttributeName"], "Enabled": True}
            )
        attrs = {"Arn": table["TableArn"]}
        if table.get("LatestStreamArn"):
            attrs["StreamArn"] = table["LatestStreamArn"]
        return Physical(name, attrs)

    def _simple_table(self, logical_id: str, props: dict[str, Any]) -> Physical:
        key = props.get("PrimaryKey") or {"Name": "id", "Type": "String"}
        kind = {"String": "S", "Number": "N", "Binary": "B"}[key.get("Type", "String")]
        table = {
            "TableName": props.get("TableName"),
            "KeySchema": [{"AttributeName": key["Name"], "KeyType": "HASH"}],
            "AttributeDefinitions": [{"AttributeName": key["Name"], "AttributeType": kind}],
            "BillingMode": "PROVISIONED" if props.get("ProvisionedThroughput") else "PAY_PER_REQUEST",
            "ProvisionedThroughput": props.get("ProvisionedThroughput"),
        }
        return self._dynamodb_table(logical_id, {k: v for k, v in table.items() if v})

    def _bucket(self, logical_id: str, props: dict[str, Any]) -> Physical:
        name = props.get("BucketName") or re.sub(r"[^a-z0-9.-]", "-", _name(self.t, logical_id, 63).lower())
        s3 = self.client("s3")
        if self.t.region == "us-east-1":
            s3.create_bucket(Bucket=name)
        else:
            s3.create_bucket(Bucket=name, CreateBucketConfiguration={"LocationConstraint": self.t.region})
        if props.get("CorsConfiguration"):
            renames = {"MaxAge": "MaxAgeSeconds", "ExposedHeaders": "ExposeHeaders", "Id": "ID"}
            rules = [
                {renames.get(k, k): v for k, v in _ints(r).items()} for r in props["CorsConfiguration"]["CorsRules"]
            ]
            s3.put_bucket_cors(Bucket=name, CORSConfiguration={"CORSRules": rules})
        domain = f"{name}.s3.amazonaws.com"
        return Physical(
            name,
            {
                "Arn": f"arn:aws:s3:::{name}",
                "DomainName": domain,
                "RegionalDomainName": f"{name}.s3.{self.t.region}.amazonaws.com",
                "WebsiteURL": f"http://{name}.s3-website-{self.t.region}.amazonaws.com",
            },
        )

    def _topic(self, logical_id: str, props: dict[str, Any]) -> Physical:
        fifo = str(props.get("FifoTopic", "false")).lower() == "true"
        name = props.get("TopicName") or _name(self.t, logical_id, 250 if fifo else 256)
        if fifo and not name.endswith(".fifo"):
            name += ".fifo"
        attributes = {"FifoTopic": "true"} if fifo else {}
        if props.get("ContentBasedDeduplication") is not None:
            attributes["ContentBasedDeduplication"] = str(props["ContentBasedDeduplication"]).lower()
        sns = self.client("sns")
        arn = sns.create_topic(Name=name, Attributes=attributes)["TopicArn"]
        for subscription in props.get("Subscription") or []:
            sns.subscribe(TopicArn=arn, Protocol=subscription["Protocol"], Endpoint=subscription["Endpoint"])
        return Physical(arn, {"TopicArn": arn, "TopicName": name})

    def _subscription(self, logical_id: str, props: dict[str, Any]) -> Physical:
        attributes = {
            key: json.dumps(props[key]) if isinstance(props[key], dict) else str(props[key]).lower()
            for key in ("RawMessageDelivery", "FilterPolicy", "RedrivePolicy")
            if key in props
        }
        arn = self.client("sns").subscribe(
            TopicArn=props["TopicArn"], Protocol=props["Protocol"], Endpoint=props["Endpoint"], Attributes=attributes
        )["SubscriptionArn"]
        return Physical(arn, {"Arn": arn})

    def _queue(self, logical_id: str, props: dict[str, Any]) -> Physical:
        fifo = str(props.get("FifoQueue", "false")).lower() == "true"
        name = props.get("QueueName") or _name(self.t, logical_id, 75 if fifo else 80)
        if fifo and not name.endswith(".fifo"):
            name += ".fifo"
        attributes: dict[str, str] = {}
        for key in (
            "DelaySeconds",
            "MaximumMessageSize",
            "MessageRetentionPeriod",
            "ReceiveMessageWaitTimeSeconds",
            "VisibilityTimeout",
            "FifoQueue",
            "ContentBasedDeduplication",
        ):
            if key in props:
                value = props[key]
                attributes[key] = str(value).lower() if isinstance(value, bool) else str(value)
        if props.get("RedrivePolicy"):
            redrive = props["RedrivePolicy"]
            attributes["RedrivePolicy"] = redrive if isinstance(redrive, str) else json.dumps(redrive)
        sqs = self.client("sqs")
        url = sqs.create_queue(QueueName=name, Attributes=attributes)["QueueUrl"]
        arn = f"arn:aws:sqs:{self.t.region}:{self.t.account_id}:{name}"
        return Physical(url, {"Arn": arn, "QueueName": name, "QueueUrl": url})

    def _ssm_parameter(self, logical_id: str, props: dict[str, Any]) -> Physical:
        name = props.get("Name") or f"CFN-{logical_id}"
        kind = props.get("Type", "String")
        value = props["Value"]
        self.client("ssm").put_parameter(Name=name, Value=str(value), Type=kind, Overwrite=True)
        return Physical(name, {"Type": kind, "Value": value})

    # ------------------------------------------------------------ identity

    def _user_pool(self, logical_id: str, props: dict[str, Any]) -> Physical:
        name = props.get("UserPoolName") or _name(self.t, logical_id, 128)
        pool = self.client("cognito-idp").create_user_pool(PoolName=name)["UserPool"]
        pool_id = pool["Id"]
        provider = f"cognito-idp.{self.t.region}.amazonaws.com/{pool_id}"
        return Physical(
            pool_id,
            {"Arn": pool["Arn"], "ProviderName": provider, "ProviderURL": f"https://{provider}", "UserPoolId": pool_id},
        )

    def _user_pool_client(self, logical_id: str, props: dict[str, Any]) -> Physical:
        # The hosted UI's settings go to the pool as CloudFormation would send them: the local sign-in reads them.
        oauth = {key: props[key] for key in _APP_CLIENT_SETTINGS if key in props}
        if "AllowedOAuthFlowsUserPoolClient" in oauth:
            oauth["AllowedOAuthFlowsUserPoolClient"] = str(oauth["AllowedOAuthFlowsUserPoolClient"]).lower() == "true"
        created = self.client("cognito-idp").create_user_pool_client(
            UserPoolId=props["UserPoolId"],
            ClientName=props.get("ClientName") or logical_id,
            GenerateSecret=str(props.get("GenerateSecret", False)).lower() == "true",
            **oauth,
        )["UserPoolClient"]
        return Physical(created["ClientId"], {"ClientSecret": created.get("ClientSecret", ""), "Name": logical_id})

    def _user_pool_domain(self, logical_id: str, props: dict[str, Any]) -> Physical:
        self.client("cognito-idp").create_user_pool_domain(Domain=props["Domain"], UserPoolId=props["UserPoolId"])
        return Physical(props["Domain"])

    def _user_pool_group(self, logical_id: str, props: dict[str, Any]) -> Physical:
        args = {k: props[k] for k in ("GroupName", "UserPoolId", "Description", "Precedence") if k in props}
        args.setdefault("GroupName", logical_id)
        self.client("cognito-idp").create_group(**args)
        return Physical(args["GroupName"])

    # ------------------------------------------------------------ content delivery

    def _origin_access_control(self, logical_id: str, props: dict[str, Any]) -> Physical:
        created = self.client("cloudfront").create_origin_access_control(
            OriginAccessControlConfig=props["OriginAccessControlConfig"]
        )["OriginAccessControl"]
        return Physical(created["Id"], {"Id": created["Id"]})

    def _distribution(self, logical_id: str, props: dict[str, Any]) -> Physical:
        """The distribution's record on moto (its API only: nothing serves it here), so it has an id and domain
        and takes invalidations."""
        config = _cloudfront_api_shape(props["DistributionConfig"])
        config.setdefault("CallerReference", f"{self.t.stack_name}-{logical_id}")
        created = self.client("cloudfront").create_distribution(DistributionConfig=config)["Distribution"]
        return Physical(created["Id"], {"Id": created["Id"], "DomainName": created["DomainName"]})

    # ------------------------------------------------------------ compute

    def _layer(self, logical_id: str, props: dict[str, Any]) -> Physical:
        content = props.get("ContentUri") or props.get("Content")
        if not isinstance(content, str):
            raise TemplateError(f"{logical_id}: only a local ContentUri folder is supported")
        folder = self.t.path_of(content)
        # SAM's python build puts a layer's code under python/; a prebuilt layer may already have it.
        path_dir = folder / "python" if (folder / "python").is_dir() else folder
        name = props.get("LayerName") or _name(self.t, logical_id, 140)
        arn = self.client("lambda").publish_layer_version(
            LayerName=name,
            Content={"ZipFile": _DUMMY_ZIP},
            CompatibleRuntimes=props.get("CompatibleRuntimes") or [],
        )["LayerVersionArn"]
        self._layers[arn] = path_dir
        return Physical(arn, {"Arn": arn})

    def _function(self, logical_id: str, props: dict[str, Any]) -> Physical:
        name = props.get("FunctionName") or _name(self.t, logical_id)
        code_dir = self._code_dir(logical_id, props)
        layers = [str(layer) for layer in props.get("Layers") or []]
        unknown = [layer for layer in layers if layer not in self._layers]
        if unknown:
            raise TemplateError(f"{logical_id}: layers outside the template are not available locally: {unknown}")
        env = _stringify((props.get("Environment") or {}).get("Variables") or {})
        timeout = float(props.get("Timeout", 3))
        memory = int(props.get("MemorySize", 128))
        created = self.client("lambda").create_function(
            FunctionName=name,
            Runtime=props.get("Runtime", "python3.13"),
            Role=self._role_arn,
            Handler=props["Handler"],
            Code={"ZipFile": _DUMMY_ZIP},
            Timeout=int(timeout),
            MemorySize=memory,
            Environment={"Variables": env},
        )
        arn = created["FunctionArn"]
        sandbox_env = {
            **self.function_env,
            **env,
            "AWS_LAMBDA_FUNCTION_NAME": name,
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(memory),
            "AWS_LAMBDA_FUNCTION_VERSION": "$LATEST",
            "AWS_LAMBDA_LOG_GROUP_NAME": f"/aws/lambda/{name}",
            "AWS_EXECUTION_ENV": f"AWS_Lambda_{props.get('Runtime', 'python3.13')}",
            "LAMBDA_TASK_ROOT": str(code_dir),
            "_HANDLER": props["Handler"],
        }
        self.stack.functions[logical_id] = FunctionSpec(
            logical_id=logical_id,
            name=name,
            arn=arn,
            handler=props["Handler"],
            code_dir=code_dir,
            layer_dirs=tuple(self._layers[layer] for layer in layers),
            environment=sandbox_env,
            timeout_s=timeout,
            memory_mb=memory,
        )
        return Physical(name, {"Arn": arn})

    def _code_dir(self, logical_id: str, props: dict[str, Any]) -> Path:
        code = props.get("CodeUri") or props.get("Code")
        if isinstance(code, dict) and "ZipFile" in code:
            folder = self.t.base_dir / ".local" / "inline" / logical_id
            folder.mkdir(parents=True, exist_ok=True)
            module = str(props["Handler"]).rpartition(".")[0]
            (folder / f"{module}.py").write_text(str(code["ZipFile"]), encoding="utf-8")
            return folder
        if not isinstance(code, str):
            raise TemplateError(f"{logical_id}: only a local CodeUri folder or inline ZipFile is supported")
        folder = self.t.path_of(code)
        if not folder.is_dir():
            raise TemplateError(f"{logical_id}: CodeUri {code} is not a folder")
        return folder

    def _event_source_mapping(self, logical_id: str, props: dict[str, Any]) -> Physical:
        args = {
            k: props[k]
            for k in ("EventSourceArn", "FunctionName", "BatchSize", "StartingPosition", "Enabled")
            if k in props
        }
        uuid = self.client("lambda").create_event_source_mapping(**args)["UUID"]
        return Physical(uuid, {"Id": uuid})

    # ------------------------------------------------------------ APIs and workflows

    def _http_api(self, logical_id: str, props: dict[str, Any]) -> Physical:
        auth = props.get("Auth") or {}
        authorizers = {
            name: JwtConfig(
                issuer=str(spec["JwtConfiguration"]["issuer"]),
                audience=tuple(str(a) for a in spec["JwtConfiguration"].get("audience") or []),
            )
            for name, spec in (auth.get("Authorizers") or {}).items()
            if "JwtConfiguration" in spec
        }
        api_id = re.sub(r"[^a-z0-9]", "", logical_id.lower())[:10].ljust(10, "0")
        self.stack.apis[logical_id] = HttpApiSpec(logical_id, api_id, auth.get("DefaultAuthorizer"), authorizers)
        endpoint = f"https://{api_id}.execute-api.{self.t.region}.amazonaws.com"
        return Physical(api_id, {"ApiEndpoint": endpoint, "ApiId": api_id})

    def _state_machine(self, logical_id: str, props: dict[str, Any]) -> Physical:
        definition: Any = props.get("Definition")
        if definition is None and props.get("DefinitionUri"):
            uri = props["DefinitionUri"]
            if not isinstance(uri, str):
                raise TemplateError(f"{logical_id}: only a local DefinitionUri file is supported")
            definition = load_file(self.t.path_of(uri))
        if definition is None and props.get("DefinitionString"):
            definition = json.loads(props["DefinitionString"])
        if definition is None:
            raise TemplateError(f"{logical_id}: no Definition, DefinitionUri or DefinitionString")
        substitutions = _stringify(props.get("DefinitionSubstitutions") or {})
        definition = _substitute(definition, substitutions)
        name = props.get("Name") or props.get("StateMachineName") or _name(self.t, logical_id, 80)
        arn = self.client("stepfunctions").create_state_machine(
            name=name,
            definition=json.dumps(definition),
            roleArn=self._role_arn,
            type=props.get("Type") or props.get("StateMachineType") or "STANDARD",
        )["stateMachineArn"]
        self.stack.state_machines[arn] = logical_id
        return Physical(arn, {"Arn": arn, "Name": name})

    def _schedule_group(self, logical_id: str, props: dict[str, Any]) -> Physical:
        name = props.get("Name") or _name(self.t, logical_id)
        arn = self.client("scheduler").create_schedule_group(Name=name)["ScheduleGroupArn"]
        return Physical(name, {"Arn": arn})

    def _schedule(self, logical_id: str, props: dict[str, Any]) -> Physical:
        name = props.get("Name") or _name(self.t, logical_id)
        target = props["Target"]
        args = {
            "Name": name,
            "ScheduleExpression": props["ScheduleExpression"],
            "FlexibleTimeWindow": props.get("FlexibleTimeWindow") or {"Mode": "OFF"},
            "Target": {k: v for k, v in target.items() if k in ("Arn", "RoleArn", "Input", "RetryPolicy")},
            "State": props.get("State", "ENABLED"),
        }
        for key in ("GroupName", "ScheduleExpressionTimezone", "Description"):
            if props.get(key):
                args[key] = props[key]
        arn = self.client("scheduler").create_schedule(**args)["ScheduleArn"]
        retry = target.get("RetryPolicy") or {}
        self.stack.schedules.append(
            ScheduleSpec(
                name=name,
                arn=arn,
                expression=props["ScheduleExpression"],
                timezone=props.get("ScheduleExpressionTimezone"),
                target_arn=target["Arn"],
                input=target.get("Input"),
                enabled=args["State"] == "ENABLED",
                kind="scheduler",
                retry_attempts=min(int(retry.get("MaximumRetryAttempts", 2)), 2),
                dead_letter_arn=(target.get("DeadLetterConfig") or {}).get("Arn"),
            )
        )
        return Physical(name, {"Arn": arn})

    def _events_rule(self, logical_id: str, props: dict[str, Any]) -> Physical:
        name = props.get("Name") or _name(self.t, logical_id)
        args: dict[str, Any] = {"Name": name, "State": props.get("State", "ENABLED")}
        for key in ("ScheduleExpression", "Description"):
            if key in props:
                args[key] = props[key]
        if "EventPattern" in props:
            args["EventPattern"] = json.dumps(props["EventPattern"])
        events = self.client("events")
        arn = events.put_rule(**args)["RuleArn"]
        for target in props.get("Targets") or []:
            events.put_targets(Rule=name, Targets=[{k: target[k] for k in ("Id", "Arn", "Input") if k in target}])
            if "ScheduleExpression" in props:
                self.stack.schedules.append(
                    ScheduleSpec(
                        name=f"{name}/{target['Id']}",
                        arn=arn,
                        expression=props["ScheduleExpression"],
                        timezone=None,
                        target_arn=target["Arn"],
                        input=target.get("Input"),
                        enabled=args["State"] == "ENABLED",
                        kind="events",
                    )
                )
        return Physical(name, {"Arn": arn})

    # ------------------------------------------------------------ SAM event sources

    def _events(self, logical_id: str, events: Mapping[str, Any]) -> None:
        target = self.stack.physical[logical_id]
        target_arn = str(target.attrs.get("Arn", target.ref))
        for event_id, event in events.items():
            kind, props = event["Type"], event.get("Properties") or {}
            if kind == "HttpApi":
                self._route(logical_id, props)
            elif kind in ("DynamoDB", "Kinesis", "SQS", "MQ", "MSK"):
                source = props.get("Stream") or props.get("Queue") or props.get("Broker")
                args = {"EventSourceArn": source, "FunctionName": target_arn, "BatchSize": props.get("BatchSize", 10)}
                if props.get("StartingPosition"):
                    args["StartingPosition"] = props["StartingPosition"]
                self.client("lambda").create_event_source_mapping(**args)
            elif kind == "SNS":
                self.client("sns").subscribe(TopicArn=props["Topic"], Protocol="lambda", Endpoint=target_arn)
            elif kind == "ScheduleV2":
                self._schedule(
                    f"{logical_id}{event_id}",
                    {
                        "Name": props.get("Name") or _name(self.t, f"{logical_id}{event_id}"),
                        "ScheduleExpression": props["ScheduleExpression"],
                        "ScheduleExpressionTimezone": props.get("ScheduleExpressionTimezone"),
                        "State": props.get("State", "ENABLED"),
                        "GroupName": props.get("GroupName"),
                        "Target": {
                            "Arn": target_arn,
                            "RoleArn": self._role_arn,
                            "Input": props.get("Input"),
                            "RetryPolicy": props.get("RetryPolicy"),
                            "DeadLetterConfig": props.get("DeadLetterConfig"),
                        },
                    },
                )
            elif kind == "Schedule":
                enabled = props.get("Enabled", True) and props.get("State", "ENABLED") == "ENABLED"
                self._events_rule(
                    f"{logical_id}{event_id}",
                    {
                        "Name": props.get("Name"),
                        "ScheduleExpression": props["Schedule"],
                        "State": "ENABLED" if enabled else "DISABLED",
                        "Targets": [{"Id": event_id, "Arn": target_arn, "Input": props.get("Input")}],
                    },
                )
            else:
                self.stack.skipped.append(f"{logical_id}.Events.{event_id} ({kind})")

    def _route(self, function: str, props: Mapping[str, Any]) -> None:
        api_logical = props.get("ApiId")
        api = next((a for a in self.stack.apis.values() if a.api_id == api_logical), None)
        if api is None:
            # No ApiId: SAM's implicit ServerlessHttpApi, which has no authorizer.
            api = self.stack.apis.setdefault(
                "ServerlessHttpApi", HttpApiSpec("ServerlessHttpApi", "serverless", None, {})
            )
        auth = props.get("Auth") or {}
        authorizer_name = auth.get("Authorizer", api.default_authorizer)
        authorizer = None if authorizer_name in (None, "NONE") else api.authorizers.get(authorizer_name)
        if authorizer_name not in (None, "NONE") and authorizer is None:
            raise TemplateError(f"{function}: authorizer {authorizer_name} is not a JWT authorizer of {api.logical_id}")
        method = str(props.get("Method", "ANY")).upper()
        method = "ANY" if method in ("ANY", "X-AMAZON-APIGATEWAY-ANY-METHOD") else method
        api.routes.append(
            Route(
                api=api.logical_id,
                method=method,
                path=str(props.get("Path", "$default")),
                function=function,
                authorizer=authorizer,
                scopes=tuple(auth.get("AuthorizationScopes") or ()),
            )
        )


def _cloudfront_api_shape(value: Any, key: str = "") -> Any:
    """CloudFormation's DistributionConfig as the CloudFront API takes it: every list as {Quantity, Items}."""
    renamed = {"IPV6Enabled": "IsIPV6Enabled"}
    if isinstance(value, dict):
        return {renamed.get(k, k): _cloudfront_api_shape(v, k) for k, v in value.items()}
    if isinstance(value, list):
        return {"Quantity": len(value), "Items": [_cloudfront_api_shape(v) for v in value]}
    if key == "ResponseCode":
        return str(value)  # an HTTP status the API takes as a string
    return value


def _ints(value: Mapping[str, Any]) -> dict[str, Any]:
    """CloudFormation accepts "5" where the API wants 5."""
    return {k: int(v) if isinstance(v, str) and v.isdigit() else v for k, v in value.items()}


def _substitute(definition: Any, substitutions: Mapping[str, str]) -> Any:
    """DefinitionSubstitutions: ${name} in every string of the definition; other ${...} stay."""
    if isinstance(definition, str):
        return re.sub(r"\$\{([^}]+)\}", lambda m: substitutions.get(m.group(1), m.group(0)), definition)
    if isinstance(definition, dict):
        return {k: _substitute(v, substitutions) for k, v in definition.items()}
    if isinstance(definition, list):
        return [_substitute(v, substitutions) for v in definition]
    return definition
