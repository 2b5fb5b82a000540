import importlib.util
import io
import json
import sys
import tempfile
import unittest
from pathlib import Path

from nyx_train import cli

from .support import write_export


def run(argv):
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(argv, out, err)
    return code, out.getvalue(), err.getvalue()


class CliTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.TemporaryDirectory()
        self.path = Path(self.dir.name)
        line = {"messages": [{"role": "user", "content": "q"},
                             {"role": "assistant", "content": "a"}],
                "metadata": {"specialist": "kairos"}}
        self.manifest = write_export(self.path, "kairos", "sft", "trl", [line], [line])
        self.output = self.path / "adapters" / "kairos" / "v4"

    def tearDown(self):
        self.dir.cleanup()

    def test_a_dry_run_checks_converts_and_prints_the_register_line(self):
        code, out, err = run(["--export", str(self.manifest), "--version", "4",
                              "--output", str(self.output), "--dry-run"])
        self.assertEqual(code, 0, err)
        self.assertEqual(out.strip(),
                         f"./nyx adapters register --specialist kairos --version 4 "
                         f"--path {self.output}")
        plan = json.loads(err[:err.index("\ndry run")])
        self.assertEqual(plan["trainer"], "SFTTrainer")
        self.assertEqual(plan["base_model"], "Qwen/Qwen2.5-7B-Instruct")
        self.assertEqual(plan["lora"]["target_modules"],
                         ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj",
                          "down_proj"])
        self.assertEqual((plan["lora"]["bias"], plan["lora"]["use_dora"]), ("none", False))
        self.assertEqual(plan["data"]["train"]["records"], 1)
        converted = (self.output.parent / "v4.data" / "train.jsonl").read_text().splitlines()
        self.assertEqual(json.loads(converted[0]),
                         {"messages": [{"role": "user", "content": "q"},
                                       {"role": "assistant", "content": "a"}]})

    def test_bad_arguments_exit_2_naming_the_flag(self):
        cases = [
            (["--export", str(self.manifest)], "--version"),
            (["--export", str(self.manifest), "--version", "0"], "--version"),
            (["--export", str(self.manifest), "--version", "1", "--base-model", "meta-llama/x"],
             "--base-model"),
            (["--export", str(self.manifest), "--version", "1", "--config",
              str(self.path / "none.toml")], "--config"),
            (["--export", str(self.path / "other.jsonl"), "--version", "1"], "--export"),
        ]
        for argv, flag in cases:
            code, _, err = run(argv + ["--dry-run"])
            self.assertEqual(code, 2, argv)
            self.assertIn(flag, err, argv)

    def test_training_imports_nothing_until_it_trains(self):
        for name in ("torch", "transformers", "peft", "trl", "datasets"):
            self.assertNotIn(name, sys.modules)

    @unittest.skipIf(importlib.util.find_spec("torch") is not None,
                     "torch is installed: this machine can train for real")
    def test_without_the_gpu_packages_training_fails_and_registers_nothing(self):
        code, out, err = run(["--export", str(self.manifest), "--version", "4",
                              "--output", str(self.output)])
        self.assertEqual(code, 1)
        self.assertEqual(out, "")
        self.assertIn("training needs torch", err)


if __name__ == "__main__":
    unittest.main()
