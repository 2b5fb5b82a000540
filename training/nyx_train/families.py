"""Which modules a LoRA adapter adapts, per model family: what vLLM applies LoRA to."""

import json
import re
from pathlib import Path
from typing import List, Optional

from .errors import RecipeError

ATTENTION = ["q_proj", "k_proj", "v_proj", "o_proj"]
MLP = ["gate_proj", "up_proj", "down_proj"]

# model_type (config.json) -> target modules. Attention and MLP projections: the usual choice for
# quality, and every one a linear layer vLLM's LoRA kernels serve (packed as qkv / gate_up).
TARGETS = {
    "llama": ATTENTION + MLP,
    "mistral": ATTENTION + MLP,
    "qwen2": ATTENTION + MLP,
    "qwen3": ATTENTION + MLP,
    "gemma": ATTENTION + MLP,
    "gemma2": ATTENTION + MLP,
    "phi3": ["qkv_proj", "o_proj", "gate_up_proj", "down_proj"],  # fused projections
}

# A hub name without a local config.json: its family by name.
NAMES = [
    (re.compile(r"qwen3", re.I), "qwen3"),
    (re.compile(r"qwen", re.I), "qwen2"),
    (re.compile(r"llama", re.I), "llama"),
    (re.compile(r"mistral", re.I), "mistral"),
    (re.compile(r"gemma-?2", re.I), "gemma2"),
    (re.compile(r"gemma", re.I), "gemma"),
    (re.compile(r"phi-?3", re.I), "phi3"),
]


def family(base: str, local: Optional[Path] = None) -> Optional[str]:
    """The model_type of a local checkpoint's config.json, else a guess from the name."""
    if local is not None and (local / "config.json").is_file():
        try:
            model_type = json.loads((local / "config.json").read_text("utf-8")).get("model_type")
        except ValueError as e:
            raise RecipeError(f"{local / 'config.json'} is not JSON: {e}") from e
        if isinstance(model_type, str):
            return model_type
    for pattern, name in NAMES:
        if pattern.search(base):
            return name
    return None


def targets(configured, base: str, local: Optional[Path] = None) -> List[str]:
    """The configured list, or for "auto" the family's; refuses a family it does not know."""
    if configured != "auto":
        return list(configured)
    f = family(base, local)
    if f not in TARGETS:
        known = ", ".join(sorted(TARGETS))
        raise RecipeError(
            f"lora.target_modules: cannot tell which modules to adapt in {base!r} (family "
            f"{f or 'unknown'}; known: {known}); list them in the hyper-parameter file")
    return list(TARGETS[f])
