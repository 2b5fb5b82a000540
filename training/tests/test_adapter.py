import json
import tempfile
import unittest
from pathlib import Path

from nyx_train import adapter
from nyx_train.errors import RecipeError


def saved(directory: Path, **overrides):
    """What PEFT's save_pretrained writes, with the base loaded from a local path."""
    config = {"peft_type": "LORA", "task_type": "CAUSAL_LM", "r": 16, "lora_alpha": 32,
              "target_modules": ["q_proj", "v_proj"], "bias": "none", "use_dora": False,
              "modules_to_save": None, "base_model_name_or_path": "/scratch/qwen"}
    config.update(overrides)
    (directory / "adapter_config.json").write_text(json.dumps(config))
    (directory / "adapter_model.safetensors").write_bytes(b"\0")


class AdapterTest(unittest.TestCase):
    def test_the_config_names_the_served_base(self):
        with tempfile.TemporaryDirectory() as d:
            saved(Path(d))
            adapter.finalize(Path(d), "Qwen/Qwen2.5-7B-Instruct", 64)
            config = json.loads((Path(d) / "adapter_config.json").read_text())
        self.assertEqual(config["base_model_name_or_path"], "Qwen/Qwen2.5-7B-Instruct")

    def test_what_vllm_refuses_is_refused_here(self):
        for overrides, words in (({"use_dora": True}, "DoRA"), ({"bias": "all"}, "bias"),
                                 ({"modules_to_save": ["lm_head"]}, "modules_to_save"),
                                 ({"r": 128}, "max_lora_rank"),
                                 ({"rank_pattern": {"q_proj": 128}}, "max_lora_rank"),
                                 ({"target_modules": None}, "target_modules")):
            with tempfile.TemporaryDirectory() as d:
                saved(Path(d), **overrides)
                with self.assertRaises(RecipeError) as e:
                    adapter.finalize(Path(d), "Qwen/Qwen2.5-7B-Instruct", 64)
                self.assertIn(words, str(e.exception), overrides)

    def test_no_weights_no_adapter(self):
        with tempfile.TemporaryDirectory() as d:
            saved(Path(d))
            (Path(d) / "adapter_model.safetensors").unlink()
            with self.assertRaises(RecipeError):
                adapter.finalize(Path(d), "Qwen/Qwen2.5-7B-Instruct", 64)

    def test_the_register_line_has_the_adapter_commands_shape(self):
        self.assertEqual(adapter.register_line("kairos", 4, Path("adapters/kairos/v4")),
                         "./nyx adapters register --specialist kairos --version 4 "
                         "--path adapters/kairos/v4")
        self.assertEqual(adapter.register_line("kairos", 4, Path("my adapters/v4")),
                         "./nyx adapters register --specialist kairos --version 4 "
                         "--path 'my adapters/v4'")


if __name__ == "__main__":
    unittest.main()
