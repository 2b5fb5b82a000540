"""The adapter directory vLLM loads, and the command that registers it with Nyx."""

import json
import shlex
from pathlib import Path

from .errors import RecipeError

WEIGHTS = ("adapter_model.safetensors", "adapter_model.bin")


def finalize(directory: Path, served_base: str, max_lora_rank: int) -> dict:
    """Makes the saved adapter_config.json name the base as vLLM serves it, and checks what vLLM
    checks when it loads an adapter (peft_type LORA; r, lora_alpha, target_modules present; no
    DoRA, no bias, no modules_to_save; r at most --max-lora-rank). Returns the config."""
    path = directory / "adapter_config.json"
    try:
        config = json.loads(path.read_text("utf-8"))
    except OSError as e:
        raise RecipeError(f"{path}: cannot read ({e.strerror})") from e
    # Loaded from a local path, PEFT writes that path; vLLM's resolver compares the served name.
    config["base_model_name_or_path"] = served_base
    check(config, path, max_lora_rank)
    if not any((directory / w).is_file() for w in WEIGHTS):
        raise RecipeError(f"{directory}: no {' or '.join(WEIGHTS)}")
    path.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n", "utf-8")
    return config


def check(config: dict, where, max_lora_rank: int) -> None:
    if config.get("peft_type") != "LORA":
        raise RecipeError(f"{where}: peft_type must be LORA but was {config.get('peft_type')!r}")
    for key in ("r", "lora_alpha", "target_modules"):
        if config.get(key) in (None, [], ""):
            raise RecipeError(f"{where}: {key} is missing (vLLM needs r, lora_alpha, target_modules)")
    if config.get("use_dora"):
        raise RecipeError(f"{where}: use_dora is set; vLLM does not load DoRA adapters")
    if config.get("bias", "none") != "none":
        raise RecipeError(f"{where}: bias must be \"none\" for vLLM but was {config.get('bias')!r}")
    if config.get("modules_to_save"):
        raise RecipeError(f"{where}: modules_to_save is set; vLLM refuses such adapters")
    ranks = [config["r"], *(config.get("rank_pattern") or {}).values()]
    if max(ranks) > max_lora_rank:
        raise RecipeError(
            f"{where}: rank {max(ranks)} is above vllm.max_lora_rank {max_lora_rank}; the server "
            f"would refuse it")


def register_line(specialist: str, version: int, directory: Path) -> str:
    """The command that hands the adapter to Nyx (the adapter life cycle: register, canary,
    promote or roll back)."""
    return (f"./nyx adapters register --specialist {shlex.quote(specialist)} "
            f"--version {version} --path {shlex.quote(str(directory))}")
