"""The deployments operators see: unique names, every deployment and parameter described, configured choices."""

from __future__ import annotations

import yaml

from flows.deployments import PREFECT_YAML, SPECS, deployments, prefect_yaml, with_choices
from flows.settings import EngineConfig, PartnerConfig, Settings, SourceConfig


def _settings() -> Settings:
    return Settings(
        engine="libre", fallback_engines=["google"],
        engines={"libre": EngineConfig(kind="libre", url="http://mt:5000/")},
        partners=[PartnerConfig(id="harian-nusantara", bucket="b1"), PartnerConfig(id="jakarta-daily", bucket="b2")],
        sources=[SourceConfig(name="afp-drop", path="/srv/in")],
    )


def test_committed_prefect_yaml_is_the_generated_one() -> None:
    assert PREFECT_YAML.read_text() == prefect_yaml(), "run `kawat deploy --write-yaml` and commit the result"


def test_prefect_yaml_is_what_prefect_deploy_reads() -> None:
    from prefect.cli.deploy._models import PrefectYamlModel

    doc = yaml.safe_load(PREFECT_YAML.read_text())
    model = PrefectYamlModel.model_validate(doc)
    by_name = {d.name: d for d in model.deployments}
    assert set(by_name) == {s.name for s in SPECS}
    for spec in SPECS:
        d = by_name[spec.name]
        module, func = (d.entrypoint or "").split(":")
        assert module == spec.flow.fn.__module__.replace(".", "/") + ".py" and func == spec.flow.fn.__name__
        assert d.work_pool is not None and d.work_pool.name == doc["kawat"]["work_pool"]["name"]
        assert d.description == spec.description
    assert doc["kawat"]["work_pool"]["type"] == "process"
    assert doc["kawat"]["engine_run_limits"]["google"] >= 1


def test_deployment_names_are_unique_and_everything_is_described() -> None:
    deps = deployments(_settings())
    names = [d.name for d in deps]
    assert len(set(names)) == len(names), names
    for d in deps:
        assert d.description and len(d.description) > 20, d.name
        props = d._parameter_openapi_schema.model_dump()["properties"]
        for pname, prop in props.items():
            assert prop.get("description"), f"{d.flow_name}/{d.name}: parameter {pname} has no description"
        if "story_id" in props:
            assert props["story_id"]["examples"] and props["story_id"]["minLength"] == 1
    assert not any(d.tags for d in deps), "run tags say what a run touched; deployments add none"


def test_partner_engine_and_source_become_the_configured_choices() -> None:
    deps = {d.name: d._parameter_openapi_schema.model_dump()["properties"] for d in deployments(_settings())}
    partner = deps["rerun-story"]["partner"]
    assert {"type": "string", "enum": ["harian-nusantara", "jakarta-daily"]} in partner["anyOf"]
    assert {"type": "null"} in partner["anyOf"], "partner stays optional (every partner)"
    engine = deps["rerun-story"]["engine"]
    assert {"type": "string", "enum": ["dry-run", "google", "libre"]} in engine["anyOf"]
    assert deps["syndicate-now"]["source"]["anyOf"][0]["enum"] == ["afp-drop"]
    items = deps["deliver-story"]["partners"]["anyOf"][0]["items"]
    assert items["enum"] == ["harian-nusantara", "jakarta-daily"]
    assert deps["kill-story"]["reason"]["minLength"] == 3


def test_choices_validate_like_the_server_does() -> None:
    """The enum schema the UI renders is the one the API enforces: an unknown partner is refused."""
    from jsonschema import Draft202012Validator

    dep = next(d for d in deployments() if d.name == "rerun-story")
    schema = with_choices(dep._parameter_openapi_schema.model_dump(), _settings())
    v = Draft202012Validator(schema)
    assert not list(v.iter_errors({"story_id": "afp.com-1", "partner": "jakarta-daily"}))
    assert list(v.iter_errors({"story_id": "afp.com-1", "partner": "nobody"}))
    assert not list(v.iter_errors({"story_id": "afp.com-1", "partner": None}))
