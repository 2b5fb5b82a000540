"""Hyper-parameters from a TOML or JSON file, checked: every error names its key."""

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any, List, Union

from .errors import RecipeError

# vLLM's accepted --max-lora-rank values (MaxLoRARanks).
VLLM_MAX_LORA_RANKS = (1, 8, 16, 32, 64, 128, 256, 320, 512)
SCHEDULERS = ("linear", "cosine", "cosine_with_restarts", "polynomial", "constant",
              "constant_with_warmup")


@dataclass(frozen=True)
class Lora:
    rank: int = 16
    alpha: float = 32.0
    dropout: float = 0.05
    target_modules: Union[str, List[str]] = "auto"
    use_rslora: bool = False


@dataclass(frozen=True)
class Training:
    epochs: float = 2.0
    learning_rate: float = 2e-4
    per_device_batch_size: int = 4
    gradient_accumulation_steps: int = 4
    max_length: int = 4096
    warmup_ratio: float = 0.03
    lr_scheduler: str = "cosine"
    weight_decay: float = 0.0
    seed: int = 42
    bf16: bool = True
    gradient_checkpointing: bool = True
    assistant_only_loss: bool = False
    beta: float = 0.1


@dataclass(frozen=True)
class Vllm:
    max_lora_rank: int = 64


@dataclass(frozen=True)
class Hyperparameters:
    lora: Lora
    training: Training
    vllm: Vllm


def load(path: Union[str, Path]) -> Hyperparameters:
    """Reads and checks the file (.toml needs Python 3.11+; .json works everywhere)."""
    p = Path(path)
    try:
        text = p.read_bytes()
    except OSError as e:
        raise RecipeError(f"--config: cannot read {p}: {e.strerror}") from e
    if p.suffix == ".json":
        try:
            tree = json.loads(text)
        except ValueError as e:
            raise RecipeError(f"--config: {p} is not JSON: {e}") from e
    else:
        try:
            import tomllib
        except ImportError as e:
            raise RecipeError(
                f"--config: reading {p} needs Python 3.11 (tomllib); use a .json file") from e
        try:
            tree = tomllib.loads(text.decode("utf-8"))
        except (ValueError, UnicodeDecodeError) as e:
            raise RecipeError(f"--config: {p} is not TOML: {e}") from e
    return parse(tree)


def parse(tree: Any) -> Hyperparameters:
    if not isinstance(tree, dict):
        raise RecipeError("the hyper-parameters must be a table with lora, training and vllm")
    _only(tree, "", {"lora", "training", "vllm"})
    lora = _section(tree, "lora", Lora)
    training = _section(tree, "training", Training)
    vllm = _section(tree, "vllm", Vllm)
    _check(lora, training, vllm)
    return Hyperparameters(lora, training, vllm)


def _section(tree: dict, name: str, cls):
    values = tree.get(name, {})
    if not isinstance(values, dict):
        raise RecipeError(f"{name} must be a table")
    defaults = cls()
    _only(values, name + ".", set(defaults.__dataclass_fields__))
    out = {}
    for key in defaults.__dataclass_fields__:
        default = getattr(defaults, key)
        value = values.get(key, default)
        out[key] = _typed(f"{name}.{key}", value, default)
    return cls(**out)


def _typed(key: str, value: Any, default: Any) -> Any:
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise RecipeError(f"{key} must be true or false but was {value!r}")
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, int):
            raise RecipeError(f"{key} must be an integer but was {value!r}")
        return value
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise RecipeError(f"{key} must be a number but was {value!r}")
        return float(value)
    if key == "lora.target_modules":
        if value == "auto":
            return value
        if (not isinstance(value, list) or not value
                or not all(isinstance(m, str) and m for m in value)):
            raise RecipeError(
                f"{key} must be \"auto\" or a non-empty list of module names but was {value!r}")
        return list(value)
    if not isinstance(value, str):
        raise RecipeError(f"{key} must be a string but was {value!r}")
    return value


def _only(tree: dict, prefix: str, allowed: set) -> None:
    for key in tree:
        if key not in allowed:
            raise RecipeError(
                f"{prefix}{key} is not a setting; allowed here: {', '.join(sorted(allowed))}")


def _range(key: str, value, ok: bool, allowed: str) -> None:
    if not ok:
        raise RecipeError(f"{key} must be {allowed} but was {value!r}")


def _check(lora: Lora, t: Training, v: Vllm) -> None:
    _range("vllm.max_lora_rank", v.max_lora_rank, v.max_lora_rank in VLLM_MAX_LORA_RANKS,
           "one of " + ", ".join(map(str, VLLM_MAX_LORA_RANKS)) + " (vLLM's --max-lora-rank)")
    _range("lora.rank", lora.rank, 1 <= lora.rank <= v.max_lora_rank,
           f"in [1, vllm.max_lora_rank = {v.max_lora_rank}] (vLLM refuses a larger rank)")
    _range("lora.alpha", lora.alpha, lora.alpha > 0, "above 0")
    _range("lora.dropout", lora.dropout, 0 <= lora.dropout < 1, "in [0, 1)")
    _range("training.epochs", t.epochs, 0 < t.epochs <= 100, "in (0, 100]")
    _range("training.learning_rate", t.learning_rate, 0 < t.learning_rate < 1, "in (0, 1)")
    _range("training.per_device_batch_size", t.per_device_batch_size,
           1 <= t.per_device_batch_size <= 1024, "in [1, 1024]")
    _range("training.gradient_accumulation_steps", t.gradient_accumulation_steps,
           1 <= t.gradient_accumulation_steps <= 1024, "in [1, 1024]")
    _range("training.max_length", t.max_length, 64 <= t.max_length <= 1_048_576,
           "in [64, 1048576]")
    _range("training.warmup_ratio", t.warmup_ratio, 0 <= t.warmup_ratio < 1, "in [0, 1)")
    _range("training.lr_scheduler", t.lr_scheduler, t.lr_scheduler in SCHEDULERS,
           "one of " + ", ".join(SCHEDULERS))
    _range("training.weight_decay", t.weight_decay, 0 <= t.weight_decay < 1, "in [0, 1)")
    _range("training.beta", t.beta, 0 < t.beta <= 10, "in (0, 10]")
