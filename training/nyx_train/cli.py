"""`train.py`: arguments, the plan, and the training run.

Only `train()` imports torch, transformers, peft and trl, and only when it runs: everything before
it (the arguments, the hyper-parameters, the export's manifest, hashes and lines, the LoRA
settings and the register line) works with the standard library, and `--dry-run` stops there.

Exit codes: 0 done, 1 the training failed, 2 bad arguments, configuration or data.
"""

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

from . import adapter, config, data, families
from .errors import RecipeError

TRAINERS = {"sft": "SFTTrainer", "preferences": "DPOTrainer", "kto": "KTOTrainer"}


class _Parser(argparse.ArgumentParser):
    def error(self, message):
        raise RecipeError(message)


def parser() -> argparse.ArgumentParser:
    p = _Parser(
        prog="train.py",
        description="Train a LoRA adapter for one Nyx specialist from a `nyx export --out`.")
    p.add_argument("--export", required=True, type=Path,
                   help="the export's manifest (STEM.manifest.json) or training file (STEM.jsonl)")
    p.add_argument("--version", required=True, type=int,
                   help="the adapter version to register (a new one for the specialist)")
    p.add_argument("--specialist",
                   help="whose adapter (default: the export's only specialist)")
    p.add_argument("--config", type=Path, default=Path(__file__).parent.parent / "hyperparams.toml",
                   help="hyper-parameters, TOML or JSON (default: training/hyperparams.toml)")
    p.add_argument("--base-model",
                   help="the base model as vLLM serves it (its --model); default: the manifest's")
    p.add_argument("--base-path", type=Path,
                   help="where to load the base weights from, if not by --base-model's name")
    p.add_argument("--output", type=Path,
                   help="adapter directory (default: adapters/SPECIALIST/vVERSION)")
    p.add_argument("--dry-run", action="store_true",
                   help="check and convert everything, print the plan, do not train")
    return p


@dataclass(frozen=True)
class Plan:
    export: data.Export
    specialist: str
    version: int
    base_model: str
    base_path: Optional[Path]
    output: Path
    hyper: config.Hyperparameters
    target_modules: List[str]
    dry_run: bool

    def summary(self) -> dict:
        lora = self.hyper.lora
        return {
            "kind": self.export.kind,
            "trainer": TRAINERS[self.export.kind],
            "specialist": self.specialist,
            "version": self.version,
            "base_model": self.base_model,
            "output": str(self.output),
            "lora": {"r": lora.rank, "lora_alpha": lora.alpha, "lora_dropout": lora.dropout,
                     "target_modules": self.target_modules, "use_rslora": lora.use_rslora,
                     "bias": "none", "use_dora": False, "modules_to_save": None},
        }


def plan(argv: List[str]) -> Plan:
    args = parser().parse_args(argv)
    if args.version < 1:
        raise RecipeError(f"--version must be 1 or more but was {args.version}")
    hyper = config.load(args.config)
    export = data.open_export(args.export)
    data.verify(export)
    specialist = _specialist(args.specialist, export)
    base = _base(args.base_model, export)
    targets = families.targets(hyper.lora.target_modules, base, args.base_path)
    output = args.output or Path("adapters") / specialist / f"v{args.version}"
    return Plan(export, specialist, args.version, base, args.base_path, output, hyper, targets,
                args.dry_run)


def _specialist(given: Optional[str], export: data.Export) -> str:
    if given:
        return given
    named = [s for s in export.specialists if s != "(none)"]
    if len(named) != 1:
        raise RecipeError(
            f"--specialist is needed: {export.manifest_path} holds "
            f"{', '.join(export.specialists) or 'no lines'}")
    return named[0]


def _base(given: Optional[str], export: data.Export) -> str:
    if given and export.base_model and given != export.base_model:
        raise RecipeError(
            f"--base-model {given} is not the export's base model {export.base_model}: an adapter "
            f"trained on another base would not load")
    base = given or export.base_model
    if not base:
        raise RecipeError(
            "--base-model is needed: the manifest names none (export with --base-model, or set "
            "llm.base_model)")
    return base


def main(argv: List[str], out=sys.stdout, err=sys.stderr) -> int:
    """Plans, converts the data, trains (unless --dry-run) and prints the register line."""
    try:
        p = plan(argv)
        work = p.output.parent / (p.output.name + ".data")
        written = data.write_trl(p.export, work, p.specialist)
        if written["train"][1] == 0:
            raise RecipeError(f"{p.export.manifest_path}: no training records for {p.specialist}")
        summary = p.summary()
        summary["data"] = {split: {"path": str(path), "records": n}
                           for split, (path, n) in written.items()}
        print(json.dumps(summary, indent=2), file=err)
        if p.dry_run:
            print("dry run: nothing trained; after training, register the adapter with:", file=err)
            print(adapter.register_line(p.specialist, p.version, p.output), file=out)
            return 0
        train(p, written)
        adapter.finalize(p.output, p.base_model, p.hyper.vllm.max_lora_rank)
    except RecipeError as e:
        print(f"train.py: {e}", file=err)
        return 2
    except Exception as e:  # the GPU part: report and fail, the adapter is not registered
        print(f"train.py: training failed: {type(e).__name__}: {e}", file=err)
        return 1
    print(adapter.register_line(p.specialist, p.version, p.output), file=out)
    return 0


def train(p: Plan, written) -> None:
    """The GPU part: PEFT LoRA on the base model with TRL's trainer for the export's kind, saved
    as an adapter directory (adapter_config.json + adapter_model.safetensors)."""
    try:
        import torch
        from datasets import load_dataset
        from peft import LoraConfig
        from transformers import AutoModelForCausalLM, AutoTokenizer
        import trl
    except ImportError as e:
        raise RuntimeError(
            f"training needs torch, transformers, datasets, peft and trl ({e.name} is missing); "
            f"pip install -r training/requirements.txt on the GPU machine") from e
    try:
        from trl import KTOConfig, KTOTrainer
    except ImportError:  # releases that kept KTO under trl.experimental
        from trl.experimental.kto import KTOConfig, KTOTrainer
    h, t = p.hyper, p.hyper.training
    files = {split: str(path) for split, (path, n) in written.items() if n > 0}
    dataset = load_dataset("json", data_files=files)
    source = str(p.base_path or p.base_model)
    tokenizer = AutoTokenizer.from_pretrained(source)
    model = AutoModelForCausalLM.from_pretrained(
        source, dtype=torch.bfloat16 if t.bf16 else torch.float32)
    lora = LoraConfig(
        r=h.lora.rank, lora_alpha=h.lora.alpha, lora_dropout=h.lora.dropout,
        target_modules=p.target_modules, use_rslora=h.lora.use_rslora,
        bias="none", use_dora=False, modules_to_save=None, task_type="CAUSAL_LM")
    common = dict(
        output_dir=str(p.output), num_train_epochs=t.epochs, learning_rate=t.learning_rate,
        per_device_train_batch_size=t.per_device_batch_size,
        gradient_accumulation_steps=t.gradient_accumulation_steps,
        warmup_steps=t.warmup_ratio,  # transformers 5: a value below 1 is a share of the steps
        lr_scheduler_type=t.lr_scheduler,
        weight_decay=t.weight_decay, seed=t.seed, bf16=t.bf16,
        gradient_checkpointing=t.gradient_checkpointing, max_length=t.max_length,
        logging_steps=10, save_strategy="no", report_to="none",
        eval_strategy="epoch" if "validation" in files else "no")
    kind = p.export.kind
    if kind == "sft":
        args = trl.SFTConfig(assistant_only_loss=t.assistant_only_loss, **common)
        trainer_class = trl.SFTTrainer
    elif kind == "preferences":
        args = trl.DPOConfig(beta=t.beta, **common)
        trainer_class = trl.DPOTrainer
    else:
        args = KTOConfig(beta=t.beta, **common)
        trainer_class = KTOTrainer
    trainer = trainer_class(
        model=model, args=args, train_dataset=dataset["train"],
        eval_dataset=dataset["validation"] if "validation" in files else None,
        processing_class=tokenizer, peft_config=lora)
    trainer.train()
    trainer.save_model(str(p.output))  # a PEFT model saves the adapter only
