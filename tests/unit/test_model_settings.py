"""Model settings: the config file, the environment over it, explicit arguments over both."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.errors import InvalidInput
from agent.model.factory import ModelSettings
from agent.settings import CoachContext


def test_no_model_named_anywhere_means_no_model(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert ModelSettings.load(environ={}) is None
    (tmp_path / "coach.toml").write_text('[model]\nmodel = "from-the-default-file"\n')
    found = ModelSettings.load(environ={})
    assert found is not None and found.model == "from-the-default-file"


def test_file_then_environment_then_arguments(tmp_path: Path) -> None:
    config = tmp_path / "coach.toml"
    config.write_text(
        '[model]\nmodel = "smollm2"\nbase_url = "http://127.0.0.1:8080/v1"\n'
        "context_window = 8192\nmax_output_tokens = 1024\ntemperature = 0.2\n"
    )
    from_file = ModelSettings.load(config=config, environ={})
    assert from_file is not None and from_file.model == "smollm2"
    assert from_file.prompt_budget == 8192 - 1024
    env = {"COACH_MODEL_CONTEXT_WINDOW": "4096", "COACH_MODEL_API_KEY": "sk-test"}
    both = ModelSettings.load(config=config, environ=env)
    assert both is not None and both.context_window == 4096 and both.temperature == 0.2
    assert both.api_key is not None and both.api_key.get_secret_value() == "sk-test"
    assert "sk-test" not in repr(both)
    chosen = ModelSettings.load(model="other", config=config, environ=env)
    assert chosen is not None and chosen.model == "other" and chosen.base_url == from_file.base_url


def test_the_request_cap_bounds_the_prompt_budget() -> None:
    settings = ModelSettings(model="m", context_window=128000, request_token_cap=6000)
    assert settings.prompt_budget == 6000


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("[model]\nmodel = 'm'\ntemperature = 'hot'\n", "temperature"),
        ("[model]\nmodel = 'm'\nstructured_output = 'xml'\n", "structured_output"),
        ("[model]\nmodle = 'm'\n", "modle"),
        ("[model\n", "not valid TOML"),
    ],
)
def test_bad_settings_name_the_setting(tmp_path: Path, text: str, fragment: str) -> None:
    config = tmp_path / "coach.toml"
    config.write_text(text)
    with pytest.raises(InvalidInput, match=fragment):
        ModelSettings.load(config=config, environ={"COACH_MODEL": "m"})


def test_a_named_config_file_must_exist(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="config file not found"):
        ModelSettings.load(environ={"COACH_CONFIG": str(tmp_path / "missing.toml")})


def test_the_run_context_carries_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COACH_MODEL", "smollm2")
    monkeypatch.setenv("COACH_MODEL_BASE_URL", "http://127.0.0.1:8080/v1")
    ctx = CoachContext.from_env()
    assert ctx.model is not None and ctx.model.base_url == "http://127.0.0.1:8080/v1"
    monkeypatch.delenv("COACH_MODEL")
    assert CoachContext.from_env().model is None
