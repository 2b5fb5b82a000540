import json
import tempfile
import unittest
from pathlib import Path

from nyx_train import families
from nyx_train.errors import RecipeError

ALL = ["q_proj", "k_proj", "v_proj", "o_proj", "gate_proj", "up_proj", "down_proj"]


class FamiliesTest(unittest.TestCase):
    def test_llama_qwen_and_mistral_adapt_attention_and_mlp(self):
        for base in ("meta-llama/Llama-3.1-8B-Instruct", "Qwen/Qwen2.5-7B-Instruct",
                     "Qwen/Qwen3-8B", "mistralai/Mistral-7B-Instruct-v0.3"):
            self.assertEqual(families.targets("auto", base), ALL, base)

    def test_phi3_has_fused_projections(self):
        self.assertEqual(families.targets("auto", "microsoft/Phi-3-mini-4k-instruct"),
                         ["qkv_proj", "o_proj", "gate_up_proj", "down_proj"])

    def test_a_local_checkpoint_is_known_by_its_config(self):
        with tempfile.TemporaryDirectory() as d:
            (Path(d) / "config.json").write_text(json.dumps({"model_type": "qwen2"}))
            self.assertEqual(families.targets("auto", "/models/base", Path(d)), ALL)

    def test_an_unknown_family_asks_for_the_list_and_a_list_is_taken_as_given(self):
        with self.assertRaises(RecipeError) as e:
            families.targets("auto", "tiiuae/falcon-7b")
        self.assertIn("lora.target_modules", str(e.exception))
        self.assertEqual(families.targets(["query_key_value"], "tiiuae/falcon-7b"),
                         ["query_key_value"])


if __name__ == "__main__":
    unittest.main()
