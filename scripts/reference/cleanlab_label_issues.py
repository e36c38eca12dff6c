"""
cleanlab's own confident learning on small random cases, written as a fixture the label-issue tests
compare against: test/fixtures/cleanlab/label-issues.json.

cleanlab is run from a source checkout (only cleanlab.filter, cleanlab.count and cleanlab.rank are
imported; its package __init__ is bypassed so pandas is not needed):

  python3 scripts/reference/cleanlab_label_issues.py /path/to/cleanlab-source test/fixtures/cleanlab/label-issues.json

Each case draws true classes, noisy given labels and softmax probabilities from numpy's seeded generator
(no ties, so cleanlab's unstable sorts and ours agree), then records what cleanlab computes: the
confident thresholds, the confident joint before and after calibration, the masks of find_label_issues
for prune_by_noise_rate, prune_by_class and both, the issue indices ranked by self_confidence and by
normalized_margin, the masks with frac_noise=0.5 and min_examples_per_class=5, the quality scores, and estimate_latent's noise matrix, inverse noise matrix and prior.
Needs numpy and scikit-learn; glassbox itself never runs it.
"""
import importlib.util
import json
import os
import subprocess
import sys
import types
import warnings

import numpy as np


def load_cleanlab(source):
    """Imports cleanlab's filter/count/rank from a source tree without running its package __init__."""
    package = types.ModuleType("cleanlab")
    package.__path__ = [f"{source}/cleanlab"]
    sys.modules["cleanlab"] = package
    stub = types.ModuleType("pandas")  # cleanlab.internal.util imports pandas at module level; these functions never use it
    for name in ("DataFrame", "Series", "Index"):
        setattr(stub, name, type(name, (), {}))
    sys.modules.setdefault("pandas", stub)
    warnings.simplefilter("ignore")
    from cleanlab import count, filter, rank  # noqa: E402
    return count, filter, rank


def make_case(rng, n, k, noise, strength, missing_class=False):
    true = rng.integers(0, k - 1 if missing_class else k, size=n)
    logits = strength * np.eye(k)[true] + rng.normal(size=(n, k))
    probs = np.exp(logits - logits.max(axis=1, keepdims=True))
    probs /= probs.sum(axis=1, keepdims=True)
    labels = true.copy()
    flip = rng.random(n) < noise
    labels[flip] = (true[flip] + rng.integers(1, k, size=flip.sum())) % k
    return probs, labels


def main():
    source, out = sys.argv[1], sys.argv[2]
    count, filt, rank = load_cleanlab(source)
    rng = np.random.default_rng(20211)
    specs = [
        dict(n=40, k=2, noise=0.15, strength=2.0),
        dict(n=120, k=3, noise=0.1, strength=3.0),
        dict(n=200, k=4, noise=0.2, strength=2.5),
        dict(n=300, k=5, noise=0.05, strength=4.0),
        dict(n=150, k=3, noise=0.3, strength=1.5),
        dict(n=80, k=4, noise=0.1, strength=3.0, missing_class=True),
    ]
    cases = []
    for spec in specs:
        probs, labels = make_case(rng, **spec)
        case = dict(spec, probabilities=probs.ravel().tolist(), labels=labels.tolist())
        case["thresholds"] = count.get_confident_thresholds(labels, probs).tolist()
        case["confidentJoint"] = count.compute_confident_joint(labels, probs, calibrate=False).ravel().tolist()
        calibrated = count.compute_confident_joint(labels, probs)
        case["calibratedJoint"] = calibrated.ravel().tolist()
        for filter_by in ("prune_by_noise_rate", "prune_by_class", "both"):
            mask = filt.find_label_issues(labels, probs, filter_by=filter_by, n_jobs=1)
            case[filter_by] = np.flatnonzero(mask).tolist()
            half = filt.find_label_issues(labels, probs, filter_by=filter_by, frac_noise=0.5, min_examples_per_class=5, n_jobs=1)
            case[filter_by + "_half"] = np.flatnonzero(half).tolist()
        for rank_by in ("self_confidence", "normalized_margin"):
            case["ranked_" + rank_by] = filt.find_label_issues(labels, probs, return_indices_ranked_by=rank_by, n_jobs=1).tolist()
            case["scores_" + rank_by] = rank.get_label_quality_scores(labels, probs, method=rank_by).tolist()
        py, noise_matrix, inverse = count.estimate_latent(calibrated, labels)
        case["noiseMatrix"] = noise_matrix.ravel().tolist()
        case["inverseNoiseMatrix"] = inverse.ravel().tolist()  # cleanlab's layout: [true][given]
        case["prior"] = py.tolist()
        cases.append(case)
    # a git checkout names its commit; an exported tree can name it with CLEANLAB_COMMIT
    commit = subprocess.run(["git", "-C", source, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip() or os.environ.get("CLEANLAB_COMMIT", "unknown")
    meta = {"generator": "scripts/reference/cleanlab_label_issues.py", "cleanlab": commit, "numpy": np.__version__}
    with open(out, "w") as f:
        json.dump({"meta": meta, "cases": cases}, f)
        f.write("\n")


if __name__ == "__main__":
    main()
