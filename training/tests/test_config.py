import json
import tempfile
import unittest
from pathlib import Path

from nyx_train import config
from nyx_train.errors import RecipeError

from .support import TRAINING


class ConfigTest(unittest.TestCase):
    def test_the_shipped_file_is_valid_and_vllm_compatible(self):
        h = config.load(TRAINING / "hyperparams.toml")
        self.assertEqual(h.lora.rank, 16)
        self.assertEqual(h.lora.alpha, 32.0)
        self.assertEqual(h.lora.target_modules, "auto")
        self.assertLessEqual(h.lora.rank, h.vllm.max_lora_rank)
        self.assertEqual(h.training.lr_scheduler, "cosine")

    def test_json_with_the_same_keys_and_defaults_for_the_rest(self):
        with tempfile.TemporaryDirectory() as d:
            p = Path(d) / "h.json"
            p.write_text(json.dumps({"lora": {"rank": 8, "target_modules": ["q_proj", "v_proj"]},
                                     "training": {"epochs": 1}}))
            h = config.load(p)
        self.assertEqual(h.lora.rank, 8)
        self.assertEqual(h.lora.target_modules, ["q_proj", "v_proj"])
        self.assertEqual(h.training.epochs, 1.0)
        self.assertEqual(h.training.learning_rate, 2e-4)

    def refused(self, tree, message):
        with self.assertRaises(RecipeError) as e:
            config.parse(tree)
        self.assertEqual(str(e.exception), message)

    def test_errors_name_the_key(self):
        self.refused({"lora": {"rnak": 8}},
                     "lora.rnak is not a setting; allowed here: alpha, dropout, rank, "
                     "target_modules, use_rslora")
        self.refused({"optimizer": {}},
                     "optimizer is not a setting; allowed here: lora, training, vllm")
        self.refused({"lora": {"rank": 128}},
                     "lora.rank must be in [1, vllm.max_lora_rank = 64] (vLLM refuses a larger "
                     "rank) but was 128")
        self.refused({"lora": {"rank": "16"}}, "lora.rank must be an integer but was '16'")
        self.refused({"vllm": {"max_lora_rank": 48}},
                     "vllm.max_lora_rank must be one of 1, 8, 16, 32, 64, 128, 256, 320, 512 "
                     "(vLLM's --max-lora-rank) but was 48")
        self.refused({"lora": {"target_modules": []}},
                     "lora.target_modules must be \"auto\" or a non-empty list of module names "
                     "but was []")
        self.refused({"training": {"learning_rate": 0}},
                     "training.learning_rate must be in (0, 1) but was 0.0")
        self.refused({"training": {"lr_scheduler": "step"}},
                     "training.lr_scheduler must be one of linear, cosine, cosine_with_restarts, "
                     "polynomial, constant, constant_with_warmup but was 'step'")
        self.refused({"training": {"bf16": "yes"}}, "training.bf16 must be true or false but was 'yes'")

    def test_an_unreadable_file_names_the_flag(self):
        with self.assertRaises(RecipeError) as e:
            config.load("/no/such/hyperparams.toml")
        self.assertIn("--config", str(e.exception))


if __name__ == "__main__":
    unittest.main()
