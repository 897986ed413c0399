"""Read a CloudFormation/SAM template: short-form tags, parameters, conditions and intrinsic functions.

Nothing here knows a PropDesk resource: everything comes from the template file.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

# How this machine runs the template: development values that must never be defaults of a real deployment.
LOCAL_PARAMETERS: dict[str, str] = {"DevTwilioAuthToken": "local-dev-twilio-auth-token"}


class TemplateError(ValueError):
    """The template asks for something this reader cannot resolve."""


class _NoValue:
    """AWS::NoValue: the property it is the value of disappears."""

    def __repr__(self) -> str:
        return "AWS::NoValue"


NO_VALUE = _NoValue()


# ---------------------------------------------------------------- YAML with CloudFormation tags

_FUNCTION_TAGS = (
    "Base64",
    "Cidr",
    "FindInMap",
    "GetAZs",
    "ImportValue",
    "Join",
    "Select",
    "Split",
    "Sub",
    "Transform",
    "And",
    "Equals",
    "If",
    "Not",
    "Or",
    "ToJsonString",
    "Length",
)


class _Loader(yaml.SafeLoader):
    """SafeLoader that keeps timestamps as strings, as CloudFormation does."""


_Loader.yaml_implicit_resolvers = {
    key: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for key, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _node_value(loader: _Loader, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return loader.construct_scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    raise TemplateError(f"unexpected YAML node {node!r}")


def _tag(name: str) -> Callable[[_Loader, yaml.Node], Any]:
    def construct(loader: _Loader, node: yaml.Node) -> Any:
        return {name: _node_value(loader, node)}

    return construct


def _get_att(loader: _Loader, node: yaml.Node) -> Any:
    value = _node_value(loader, node)
    if isinstance(value, str):
        resource, _, attribute = value.partition(".")
        return {"Fn::GetAtt": [resource, attribute]}
    return {"Fn::GetAtt": value}


_Loader.add_constructor("!Ref", _tag("Ref"))
_Loader.add_constructor("!Condition", _tag("Condition"))
_Loader.add_constructor("!GetAtt", _get_att)
for _name in _FUNCTION_TAGS:
    _Loader.add_constructor(f"!{_name}", _tag(f"Fn::{_name}"))


def load_file(path: Path) -> Any:
    """A YAML or JSON document with CloudFormation short-form tags expanded to long form."""
    with path.open(encoding="utf-8") as stream:
        return yaml.load(stream, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader subclass


# ---------------------------------------------------------------- the template


@dataclass(frozen=True, slots=True)
class Physical:
    """What a created resource answers to Ref and Fn::GetAtt."""

    ref: Any
    attrs: Mapping[str, Any] = field(default_factory=dict)


PSEUDO_PARAMETERS = (
    "AWS::Region",
    "AWS::AccountId",
    "AWS::StackName",
    "AWS::StackId",
    "AWS::Partition",
    "AWS::URLSuffix",
    "AWS::NoValue",
    "AWS::NotificationARNs",
)
_SUB_VAR = re.compile(r"\$\{([^}]*)\}")
_CONDITION_FUNCTIONS = {"Fn::Equals", "Fn::Not", "Fn::And", "Fn::Or", "Condition"}


def _intrinsic(value: Any) -> tuple[str, Any] | None:
    """(name, argument) when value is a one-key intrinsic function or Ref."""
    if isinstance(value, dict) and len(value) == 1:
        ((key, arg),) = value.items()
        if key == "Ref" or key.startswith("Fn::") or key == "Condition":
            return key, arg
    return None


def merge_globals(global_value: Any, local_value: Any) -> Any:
    """SAM's Globals rule: maps merge, lists concatenate (globals first), scalars are overridden."""
    if isinstance(global_value, dict) and isinstance(local_value, dict):
        if _intrinsic(global_value) or _intrinsic(local_value):
            return local_value
        merged = dict(global_value)
        for key, value in local_value.items():
            merged[key] = merge_globals(global_value[key], value) if key in global_value else value
        return merged
    if isinstance(global_value, list) and isinstance(local_value, list):
        return [*global_value, *local_value]
    return local_value


class Template:
    """A parsed template with its parameters bound; resolves intrinsics against created resources."""

    def __init__(
        self,
        body: Mapping[str, Any],
        *,
        path: Path | None = None,
        parameters: Mapping[str, str] | None = None,
        region: str = "us-east-1",
        account_id: str = "123456789012",
        stack_name: str = "propdesk-local",
    ) -> None:
        self.body = body
        self.path = path
        self.base_dir = path.parent if path else Path.cwd()
        self.region = region
        self.account_id = account_id
        self.stack_name = stack_name
        self.mappings: Mapping[str, Any] = body.get("Mappings") or {}
        self.parameters = self._bind_parameters(body.get("Parameters") or {}, parameters or {})
        self._condition_defs: Mapping[str, Any] = body.get("Conditions") or {}
        self._conditions: dict[str, bool] = {}
        self.globals: Mapping[str, Any] = body.get("Globals") or {}
        self.resources: dict[str, dict[str, Any]] = {
            logical_id: self._with_globals(resource)
            for logical_id, resource in (body.get("Resources") or {}).items()
            if "Condition" not in resource or self.condition(resource["Condition"])
        }

    @classmethod
    def from_file(cls, path: Path, **kwargs: Any) -> Template:
        body = load_file(path)
        if not isinstance(body, dict) or "Resources" not in body:
            raise TemplateError(f"{path} is not a CloudFormation template (no Resources)")
        return cls(body, path=path, **kwargs)

    # ------------------------------------------------------------ parameters, globals, conditions

    def _bind_parameters(self, declared: Mapping[str, Any], overrides: Mapping[str, str]) -> dict[str, Any]:
        unknown = set(overrides) - set(declared)
        if unknown:
            raise TemplateError(f"unknown parameters: {', '.join(sorted(unknown))}")
        bound: dict[str, Any] = {}
        for name, spec in declared.items():
            if name in overrides:
                value: Any = overrides[name]
            elif "Default" in spec:
                value = spec["Default"]
            else:
                raise TemplateError(f"parameter {name} has no default; pass it as an override")
            kind = str(spec.get("Type", "String"))
            if kind == "CommaDelimitedList" or kind.startswith("List<"):
                value = [v.strip() for v in value.split(",")] if isinstance(value, str) else list(value)
            else:
                self._check_parameter(name, spec, value)
            bound[name] = value
        return bound

    @staticmethod
    def _check_parameter(name: str, spec: Mapping[str, Any], value: Any) -> None:
        allowed = spec.get("AllowedValues")
        if allowed is not None and str(value) not in {str(a) for a in allowed}:
            raise TemplateError(f"parameter {name}={value!r} is not one of {allowed}")
        pattern = spec.get("AllowedPattern")
        if pattern is not None and not re.fullmatch(pattern, str(value)):
            raise TemplateError(f"parameter {name}={value!r} does not match {pattern}")

    def _with_globals(self, resource: dict[str, Any]) -> dict[str, Any]:
        kind = str(resource.get("Type", ""))
        if not kind.startswith("AWS::Serverless::"):
            return resource
        section = self.globals.get(kind.removeprefix("AWS::Serverless::"))
        if not section:
            return resource
        return {**resource, "Properties": merge_globals(section, resource.get("Properties") or {})}

    def condition(self, name: str) -> bool:
        if name not in self._conditions:
            if name not in self._condition_defs:
                raise TemplateError(f"unknown condition {name}")
            self._conditions[name] = bool(self._eval_condition(self._condition_defs[name]))
        return self._conditions[name]

    def _eval_condition(self, value: Any) -> bool:
        found = _intrinsic(value)
        if found is None:
            raise TemplateError(f"not a condition function: {value!r}")
        name, arg = found
        if name == "Condition":
            return self.condition(arg)
        if name == "Fn::Equals":
            left, right = (self.resolve(v, {}) for v in arg)
            return str(left) == str(right)
        if name == "Fn::Not":
            return not self._eval_condition(arg[0])
        if name == "Fn::And":
            return all(self._eval_condition(v) for v in arg)
        if name == "Fn::Or":
            return any(self._eval_condition(v) for v in arg)
        raise TemplateError(f"{name} is not a condition function")

    # ------------------------------------------------------------ intrinsic functions

    def pseudo(self, name: str) -> Any:
        values = {
            "AWS::Region": self.region,
            "AWS::AccountId": self.account_id,
            "AWS::StackName": self.stack_name,
            "AWS::StackId": (
                f"arn:aws:cloudformation:{self.region}:{self.account_id}:stack/{self.stack_name}/"
                "00000000-0000-0000-0000-000000000000"
            ),
            "AWS::Partition": "aws",
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NoValue": NO_VALUE,
            "AWS::NotificationARNs": [],
        }
        return values[name]

    def resolve(self, value: Any, physical: Mapping[str, Physical]) -> Any:
        """value with every intrinsic function evaluated; AWS::NoValue entries removed."""
        found = _intrinsic(value)
        if found is not None:
            return self._call(found[0], found[1], physical)
        if isinstance(value, dict):
            resolved = {key: self.resolve(v, physical) for key, v in value.items()}
            return {key: v for key, v in resolved.items() if v is not NO_VALUE}
        if isinstance(value, list):
            items = [self.resolve(v, physical) for v in value]
            return [v for v in items if v is not NO_VALUE]
        return value

    def _ref(self, name: str, physical: Mapping[str, Physical]) -> Any:
        if name in PSEUDO_PARAMETERS:
            return self.pseudo(name)
        if name in self.parameters:
            return self.parameters[name]
        if name in physical:
            return physical[name].ref
        if name in self.resources:
            raise TemplateError(f"{name} is referenced before it exists")
        raise TemplateError(f"Ref to unknown name {name}")

    def _get_att(self, resource: str, attribute: str, physical: Mapping[str, Physical]) -> Any:
        if resource not in physical:
            if resource in self.resources:
                raise TemplateError(f"{resource} is referenced before it exists")
            raise TemplateError(f"Fn::GetAtt to unknown resource {resource}")
        attrs = physical[resource].attrs
        if attribute not in attrs:
            raise TemplateError(f"{resource} has no attribute {attribute} (known: {', '.join(sorted(attrs))})")
        return attrs[attribute]

    def _sub(self, arg: Any, physical: Mapping[str, Physical]) -> str:
        if isinstance(arg, list):
            text, variables = arg[0], {k: self.resolve(v, physical) for k, v in arg[1].items()}
        else:
            text, variables = arg, {}

        def replace(match: re.Match[str]) -> str:
            name = match.group(1)
            if name.startswith("!"):
                return "${" + name[1:] + "}"
            if name in variables:
                return str(variables[name])
            if "." in name and name not in PSEUDO_PARAMETERS:
                resource, _, attribute = name.partition(".")
                return str(self._get_att(resource, attribute, physical))
            return str(self._ref(name, physical))

        return _SUB_VAR.sub(replace, text)

    def _call(self, name: str, arg: Any, physical: Mapping[str, Physical]) -> Any:
        if name == "Ref":
            return self._ref(arg, physical)
        if name == "Condition":
            return self.condition(arg)
        if name == "Fn::GetAtt":
            resource, attribute = arg if isinstance(arg, list) else str(arg).split(".", 1)
            return self._get_att(resource, self.resolve(attribute, physical), physical)
        if name == "Fn::Sub":
            return self._sub(arg, physical)
        if name == "Fn::Join":
            delimiter, items = arg[0], self.resolve(arg[1], physical)
            return delimiter.join(str(i) for i in items)
        if name == "Fn::Select":
            index, items = self.resolve(arg[0], physical), self.resolve(arg[1], physical)
            return items[int(index)]
        if name == "Fn::Split":
            delimiter, text = arg[0], self.resolve(arg[1], physical)
            return str(text).split(delimiter)
        if name == "Fn::If":
            condition, when_true, when_false = arg
            return self.resolve(when_true if self.condition(condition) else when_false, physical)
        if name in _CONDITION_FUNCTIONS:
            return self._eval_condition({name: arg})
        if name == "Fn::FindInMap":
            map_name, top, second = (self.resolve(a, physical) for a in arg[:3])
            try:
                return self.resolve(self.mappings[map_name][top][second], physical)
            except KeyError as err:
                raise TemplateError(f"Fn::FindInMap {map_name}/{top}/{second} not found") from err
        if name == "Fn::GetAZs":
            region = self.resolve(arg, physical) or self.region
            return [f"{region}{zone}" for zone in "abc"]
        if name == "Fn::Base64":
            return base64.b64encode(str(self.resolve(arg, physical)).encode()).decode()
        if name == "Fn::ToJsonString":
            return json.dumps(self.resolve(arg, physical), separators=(",", ":"))
        if name == "Fn::Length":
            return len(self.resolve(arg, physical))
        raise TemplateError(f"{name} is not supported by the local runtime")

    # ------------------------------------------------------------ dependencies

    def references(self, value: Any) -> set[str]:
        """Logical ids of the resources that value refers to (Ref, GetAtt, Sub)."""
        found: set[str] = set()
        for name, arg in _walk_intrinsics(value):
            if name == "Ref" and isinstance(arg, str):
                found.add(arg)
            elif name == "Fn::GetAtt":
                found.add(arg[0] if isinstance(arg, list) else str(arg).split(".", 1)[0])
            elif name == "Fn::Sub":
                text, variables = (arg[0], arg[1]) if isinstance(arg, list) else (arg, {})
                for var in _SUB_VAR.findall(text):
                    if not var.startswith("!") and var not in variables:
                        found.add(var.split(".", 1)[0])
        return {name for name in found if name in self.resources}

    def depends_on(self, logical_id: str, *, skip: frozenset[str] = frozenset()) -> set[str]:
        """What must exist before logical_id is created (properties outside skip, DependsOn)."""
        resource = self.resources[logical_id]
        props = {k: v for k, v in (resource.get("Properties") or {}).items() if k not in skip}
        explicit = resource.get("DependsOn") or []
        explicit = [explicit] if isinstance(explicit, str) else explicit
        return (self.references(props) | {d for d in explicit if d in self.resources}) - {logical_id}

    def creation_order(self, skip: Callable[[str], frozenset[str]] = lambda _: frozenset()) -> list[str]:
        """Resources in an order where each comes after what it refers to."""
        pending = {lid: self.depends_on(lid, skip=skip(lid)) for lid in self.resources}
        order: list[str] = []
        while pending:
            ready = sorted(lid for lid, deps in pending.items() if not deps - set(order))
            if not ready:
                raise TemplateError(f"circular references between {', '.join(sorted(pending))}")
            order.extend(ready)
            for lid in ready:
                del pending[lid]
        return order

    def path_of(self, relative: str) -> Path:
        """A CodeUri/DefinitionUri/ContentUri, relative to the template's folder."""
        return (self.base_dir / relative).resolve()


def _walk_intrinsics(value: Any) -> Iterator[tuple[str, Any]]:
    found = _intrinsic(value)
    if found is not None:
        yield found
    if isinstance(value, dict):
        for v in value.values():
            yield from _walk_intrinsics(v)
    elif isinstance(value, list):
        for v in value:
            yield from _walk_intrinsics(v)
