"""The Lambda functions of template.yaml, discovered at run time: code folder, handler, layers, environment."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import ROOT


@dataclass(frozen=True, slots=True)
class FunctionInfo:
    logical_id: str
    code_dir: Path
    handler: str  # module.function
    layer_dirs: tuple[Path, ...]
    environment: dict[str, str]  # template variables, our resources by logical id
    memory_mb: int

    @property
    def module(self) -> str:
        return self.handler.rpartition(".")[0]

    @property
    def folder_name(self) -> str:
        return self.code_dir.name


def functions(template_path: Path = ROOT / "template.yaml") -> dict[str, FunctionInfo]:
    """Every AWS::Serverless::Function with a local CodeUri folder, in template order."""
    from local.template import Physical, Template

    tpl = Template.from_file(template_path, region="us-east-1")
    refs = {lid: Physical(ref=lid, attrs=_Anything(lid)) for lid in tpl.resources}
    layers: dict[str, Path] = {}
    for logical_id, resource in tpl.resources.items():
        if resource["Type"] == "AWS::Serverless::LayerVersion":
            folder = tpl.path_of(str(resource["Properties"]["ContentUri"]))
            layers[logical_id] = folder / "python" if (folder / "python").is_dir() else folder
    found: dict[str, FunctionInfo] = {}
    for logical_id, resource in tpl.resources.items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        props = resource.get("Properties", {})
        code = props.get("CodeUri")
        if not isinstance(code, str):
            continue
        layer_ids = [_layer_id(layer) for layer in props.get("Layers") or []]
        env_raw = (props.get("Environment") or {}).get("Variables") or {}
        env = {k: str(v) for k, v in tpl.resolve(env_raw, refs).items()}
        found[logical_id] = FunctionInfo(
            logical_id=logical_id,
            code_dir=tpl.path_of(code),
            handler=str(props["Handler"]),
            layer_dirs=tuple(layers[lid] for lid in layer_ids if lid in layers),
            environment=env,
            memory_mb=int(props.get("MemorySize", 128)),
        )
    return found


def _layer_id(layer: Any) -> str:
    if isinstance(layer, dict) and "Ref" in layer:
        return str(layer["Ref"])
    return str(layer)


class _Anything(dict[str, str]):
    """GetAtt of any attribute resolves to a readable placeholder."""

    def __init__(self, logical_id: str) -> None:
        super().__init__()
        self.logical_id = logical_id

    def __contains__(self, key: object) -> bool:
        return True

    def __missing__(self, key: str) -> str:
        return f"{self.logical_id}.{key}"
