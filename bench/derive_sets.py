#!/usr/bin/env python3
"""Derives the public labeled sets that `nyx eval-route` and `scripts/bench-embedders` read.

Standard library only; reads each source from a bare git snapshot of its public repository (the
path is an argument) and writes under bench/data/ (not committed: the derived sets are the
sources' data; bench/data.sha256 pins what a derivation must produce).

  python3 bench/derive_sets.py hwu64 GIT_DIR   # xliuhw/NLU-Evaluation-Data (CC BY 4.0)
  python3 bench/derive_sets.py slurp GIT_DIR   # pswietojanski/slurp, text CC BY 4.0
  python3 bench/derive_sets.py sgd GIT_DIR     # google-research-datasets/dstc8-schema-guided-dialogue
                                               # (CC BY-SA 4.0)
  python3 bench/derive_sets.py ood hwu64       # NAME-{tune,test}-ood.jsonl, after NAME was derived
  python3 bench/derive_sets.py ood slurp
  (cd bench/data && sha256sum -c ../data.sha256)   # same bytes as the figures in docs/routing.md

The figures were made from the snapshots at xliuhw/NLU-Evaluation-Data f6071b49,
pswietojanski/slurp 8eb16545 and google-research-datasets/dstc8-schema-guided-dialogue e852981a.

Intent sets are built as Banking77's were (src/test/resources/routing/banking77.yaml): labels
lower-cased; a seeded random.Random draws the intents held out as out of scope; for every other
intent its rows are shuffled with the same generator, the first 10 become the exemplars and the
rest (at most MAX_QUERIES) the queries, alternately to NAME-tune.jsonl and NAME-test.jsonl; each
split also holds up to 10 queries of every held-out intent, labeled "none" (near misses: same
assistant, other intents). Duplicate texts within an intent are dropped first.

Out-of-domain variants (`ood NAME`), built as banking77-{tune,test}-ood.jsonl were: the same
in-scope queries, and instead of the near misses OOD_QUERIES out-of-domain ones, drawn with
random.Random(OOD_SEED) from the in-scope queries of the matching Banking77 split in
src/test/resources/routing/ (public, CC BY 4.0; a domain neither home-assistant set has), leaving
out the intents about currencies and exchange, which the sets' qa_currency would rightly take.
"""
import csv
import io
import json
import random
import subprocess
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent / "data"
EXEMPLARS = 10
MAX_QUERIES = 40
OOS_PER_SPLIT = 10
OOD_QUERIES = 300
OOD_SEED = 64
BANKING = Path(__file__).resolve().parent.parent / "src/test/resources/routing"

HWU_FOLD = ("CrossValidation/autoGeneFromRealAnno/autoGene_2018_03_22-13_01_25_169/"
            "CrossValidation/KFold_1")


def git(repo, *args):
    return subprocess.run(["git", "--git-dir", repo, *args], check=True,
                          capture_output=True).stdout.decode("utf-8")


def hwu64(repo):
    """HWU64 (Liu et al., IWSDS 2019): 64 scenario_intent labels of home-assistant requests.

    Rows: every CSV of KFold_1 (its train and test sets together make one copy of the annotated
    corpus), text = answer_from_anno."""
    rows = {}
    files = git(repo, "ls-tree", "-r", "--name-only", "HEAD", HWU_FOLD).split("\n")
    for f in sorted(x for x in files if x.endswith(".csv")):
        reader = csv.DictReader(io.StringIO(git(repo, "show", "HEAD:" + f)), delimiter=";")
        for r in reader:
            label = (r["scenario"] + "_" + r["intent"]).lower()
            rows.setdefault(label, []).append(r["answer_from_anno"].strip())
    return rows, 12, 64


def slurp(repo):
    """SLURP (Bastianelli et al., EMNLP 2020), the English corpus MASSIVE localised: its test and
    devel splits (2,974 + 2,033 utterances, the sizes of MASSIVE's en-US test and dev splits;
    its train split is over the snapshot's size limit), label = intent."""
    rows = {}
    for split in ("test", "devel"):
        for line in git(repo, "show", f"HEAD:dataset/slurp/{split}.jsonl").splitlines():
            r = json.loads(line)
            rows.setdefault(r["intent"].lower(), []).append(r["sentence"].strip())
    return rows, 12, 60


def intent_set(name, rows, held_out, seed):
    rng = random.Random(seed)
    rows = {k: list(dict.fromkeys(t for t in v if t)) for k, v in sorted(rows.items())}
    rows = {k: v for k, v in rows.items() if len(v) >= EXEMPLARS + 4}
    labels = sorted(rows)
    oos = set(rng.sample(labels, held_out))
    specialists, splits = [], {"tune": [], "test": []}
    for label in labels:
        texts = rows[label][:]
        rng.shuffle(texts)
        if label in oos:
            for i, t in enumerate(texts[: 2 * OOS_PER_SPLIT]):
                splits["tune" if i % 2 == 0 else "test"].append((t, "none"))
            continue
        specialists.append((label, texts[:EXEMPLARS]))
        for i, t in enumerate(texts[EXEMPLARS: EXEMPLARS + MAX_QUERIES]):
            splits["tune" if i % 2 == 0 else "test"].append((t, label))
    OUT.mkdir(exist_ok=True)
    with open(OUT / f"{name}.yaml", "w", encoding="utf-8") as f:
        f.write(f"# Derived by bench/derive_sets.py {name}; {len(specialists)} intents in scope, "
                f"{len(oos)} held out as out of scope: {', '.join(sorted(oos))}\n")
        f.write("specialists:\n")
        for label, ex in specialists:
            f.write(f"  - name: {label}\n    exemplars:\n")
            for t in ex:
                f.write(f"      - {json.dumps(t, ensure_ascii=False)}\n")
    for split, items in splits.items():
        with open(OUT / f"{name}-{split}.jsonl", "w", encoding="utf-8") as f:
            for t, label in items:
                f.write(json.dumps({"text": t, "label": label}, ensure_ascii=False) + "\n")
    print(f"{name}: {len(specialists)} intents, {len(oos)} held out, "
          f"tune {len(splits['tune'])}, test {len(splits['test'])}")


def active_domain(turn, previous):
    """The user turn's domain: the service of the frame the user acts in; on a turn that opens a
    new service next to the old one, the new one; with no acting frame, the previous domain."""
    acting = [f["service"].split("_")[0] for f in turn["frames"] if f.get("actions")]
    if not acting:
        return previous
    fresh = [d for d in acting if d != previous]
    return fresh[0] if fresh else acting[0]


def dialogues(repo, split, limit):
    """The dialogues of the split's first `limit` files present in the snapshot, and the paths
    of the files it lacks (over its size limit)."""
    files = git(repo, "ls-tree", "-r", "HEAD", split).split("\n")
    present, missing = [], []
    for line in sorted(files):
        if line.endswith(".json") and "/dialogues_" in line and len(present) < limit:
            path = line.split("\t")[1]
            try:
                present.extend(json.loads(git(repo, "show", "HEAD:" + path)))
            except subprocess.CalledProcessError:
                missing.append(path)
    return present, missing


def user_turns(d):
    turns, previous = [], None
    for t in d["turns"]:
        if t["speaker"] == "USER":
            previous = active_domain(t, previous)
            intent = any(a["act"] == "INFORM_INTENT" for f in t["frames"] for a in f["actions"])
            turns.append({"text": t["utterance"], "label": previous.lower(), "intent": intent})
    return turns


def sgd(repo):
    """Schema-Guided Dialogue (Rastogi et al., AAAI 2020): user turns with their active domain
    (service name without its number). The test split's dialogues over two or more domains become
    the conversations (sgd-conversations.jsonl: one dialogue a line, its user turns and domains);
    each domain's 10 exemplars (sgd.yaml) are user turns that state an intent (INFORM_INTENT) in
    it, drawn with random.Random(2020) from the train split's first 30 files and the test split's
    single-domain dialogues; a domain with fewer there (the test split's unseen services) takes
    the intent turns of whole multi-domain dialogues, which then leave the conversations. Files the
    snapshot lacks (over its size limit) are listed in the output header and skipped."""
    test, missing = dialogues(repo, "test", 10_000)
    train, missing_train = dialogues(repo, "train", 30)
    missing += missing_train
    openers, conversations = {}, []
    multi = []
    for d in train + test:
        turns = user_turns(d)
        if d in train or len({t["label"] for t in turns}) == 1:
            for t in turns:
                if t["intent"]:
                    openers.setdefault(t["label"], []).append(t["text"])
        else:
            multi.append((d["dialogue_id"], turns))
    rng = random.Random(2020)
    spent = set()
    for label in sorted({t["label"] for _, turns in multi for t in turns}):
        candidates = [(i, turns) for i, turns in multi if any(t["label"] == label for t in turns)]
        rng.shuffle(candidates)
        for i, turns in candidates:
            if len(set(openers.get(label, []))) >= EXEMPLARS:
                break
            spent.add(i)
            for t in turns:
                if t["intent"] and t["label"] == label:
                    openers.setdefault(label, []).append(t["text"])
    for i, turns in multi:
        if i not in spent:
            conversations.append(
                {"id": i, "turns": [{"text": t["text"], "label": t["label"]} for t in turns]})
    OUT.mkdir(exist_ok=True)
    used = sorted({t["label"] for c in conversations for t in c["turns"]})
    with open(OUT / "sgd.yaml", "w", encoding="utf-8") as f:
        f.write(f"# Derived by bench/derive_sets.py sgd; skipped (not in the snapshot): "
                f"{', '.join(missing) or 'none'}\nspecialists:\n")
        for label in used:
            pool = sorted(set(openers.get(label, [])))
            rng.shuffle(pool)
            if len(pool) < EXEMPLARS:
                raise SystemExit(f"domain {label} has {len(pool)} intent turns in train")
            f.write(f"  - name: {label}\n    exemplars:\n")
            for t in pool[:EXEMPLARS]:
                f.write(f"      - {json.dumps(t, ensure_ascii=False)}\n")
    with open(OUT / "sgd-conversations.jsonl", "w", encoding="utf-8") as f:
        for c in conversations:
            f.write(json.dumps(c, ensure_ascii=False) + "\n")
    print(f"sgd: {len(used)} domains, {len(conversations)} conversations, "
          f"{sum(len(c['turns']) for c in conversations)} user turns; missing {len(missing)} files")


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def ood(name):
    rng = random.Random(OOD_SEED)
    for split in ("tune", "test"):
        rows = [r for r in read_jsonl(OUT / f"{name}-{split}.jsonl") if r["label"] != "none"]
        pool = [r["text"] for r in read_jsonl(BANKING / f"banking77-{split}.jsonl")
                if r["label"] != "none"
                and not any(w in r["label"] for w in ("exchange", "currenc", "fiat"))]
        drawn = rng.sample(pool, OOD_QUERIES)
        with open(OUT / f"{name}-{split}-ood.jsonl", "w", encoding="utf-8") as f:
            for r in rows + [{"text": t, "label": "none"} for t in drawn]:
                f.write(json.dumps(r, ensure_ascii=False) + "\n")
        print(f"{name}-{split}-ood: {len(rows)} in scope, {len(drawn)} out of domain")


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("hwu64", "slurp", "sgd", "ood"):
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    name, repo = sys.argv[1], sys.argv[2]
    if name == "sgd":
        sgd(repo)
        return
    if name == "ood":
        ood(repo)
        return
    rows, held_out, seed = {"hwu64": hwu64, "slurp": slurp}[name](repo)
    intent_set(name, rows, held_out, seed)


if __name__ == "__main__":
    main()
