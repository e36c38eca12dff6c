"""
PyTorch's own FGSM and PGD on the public reference CNN (../shared/reference/mnist/cnn.onnx), written as a
small fixture the attack tests compare against: test/fixtures/torch/mnist-attacks.json.

The torch module is rebuilt from the ONNX initializers (same architecture as the README describes), and the
attacks follow torchattacks' arithmetic (attacks/fgsm.py, pgd.py, pgdl2.py) without random start, so the
adversarial images depend on nothing but the model, the images and the settings.

  python3 scripts/reference/torch_attacks.py ../shared/reference test/fixtures/torch/mnist-attacks.json
  python3 scripts/reference/torch_attacks.py ../shared/reference --time 2000   # whole-process PGD timing

Needs torch, onnx and numpy; glassbox itself never runs it.
"""
import base64
import json
import sys
import time

import numpy as np
import onnx
import onnx.numpy_helper
import torch
import torch.nn.functional as F


class Cnn(torch.nn.Module):
    def __init__(self, weights):
        super().__init__()
        self.conv1 = torch.nn.Conv2d(1, 8, 3, padding=1)
        self.conv2 = torch.nn.Conv2d(8, 16, 3, padding=1)
        self.fc1 = torch.nn.Linear(784, 64)
        self.fc2 = torch.nn.Linear(64, 10)
        self.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in weights.items()})

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)
        return self.fc2(F.relu(self.fc1(torch.flatten(x, 1))))


def load(reference):
    graph = onnx.load(f"{reference}/mnist/cnn.onnx").graph
    model = Cnn({i.name: onnx.numpy_helper.to_array(i) for i in graph.initializer}).eval()
    return model


def fgsm(model, x, y, eps):
    x = x.clone().detach().requires_grad_(True)
    loss = F.cross_entropy(model(x), y)
    grad = torch.autograd.grad(loss, x)[0]
    return torch.clamp(x + eps * grad.sign(), 0, 1).detach()


def pgd_linf(model, x, y, eps, alpha, steps):
    adv = x.clone().detach()
    for _ in range(steps):
        adv.requires_grad_(True)
        grad = torch.autograd.grad(F.cross_entropy(model(adv), y), adv)[0]
        adv = adv.detach() + alpha * grad.sign()
        delta = torch.clamp(adv - x, min=-eps, max=eps)
        adv = torch.clamp(x + delta, 0, 1).detach()
    return adv


def pgd_l2(model, x, y, eps, alpha, steps, tiny=1e-10):
    adv = x.clone().detach()
    n = len(x)
    for _ in range(steps):
        adv.requires_grad_(True)
        grad = torch.autograd.grad(F.cross_entropy(model(adv), y), adv)[0]
        norms = torch.norm(grad.view(n, -1), p=2, dim=1) + tiny
        adv = adv.detach() + alpha * grad / norms.view(n, 1, 1, 1)
        delta = adv - x
        delta_norms = torch.norm(delta.view(n, -1), p=2, dim=1)
        factor = torch.min(eps / delta_norms, torch.ones_like(delta_norms))
        delta = delta * factor.view(-1, 1, 1, 1)
        adv = torch.clamp(x + delta, 0, 1).detach()
    return adv


def ibp(model, x, eps):
    """Interval bound propagation (Gowal et al. 2018) in float64 with torch ops: centre/radius through
    affine layers, monotone ReLU and max-pool; the input box is clip(x ± eps) to [0, 1]."""
    lo = torch.clamp(x.double() - eps, 0, 1)
    hi = torch.clamp(x.double() + eps, 0, 1)

    def affine(lo, hi, layer, fn):
        mid, rad = (hi + lo) / 2, (hi - lo) / 2
        w, b = layer.weight.double(), layer.bias.double()
        c = fn(mid, w, b)
        r = fn(rad, w.abs(), None)
        return c - r, c + r

    conv = lambda v, w, b: F.conv2d(v, w, b, padding=1)
    linear = lambda v, w, b: F.linear(v, w, b)
    lo, hi = affine(lo, hi, model.conv1, conv)
    lo, hi = F.max_pool2d(F.relu(lo), 2), F.max_pool2d(F.relu(hi), 2)
    lo, hi = affine(lo, hi, model.conv2, conv)
    lo, hi = F.max_pool2d(F.relu(lo), 2), F.max_pool2d(F.relu(hi), 2)
    lo, hi = torch.flatten(lo, 1), torch.flatten(hi, 1)
    lo, hi = affine(lo, hi, model.fc1, linear)
    lo, hi = F.relu(lo), F.relu(hi)
    return affine(lo, hi, model.fc2, linear)


def b64(t):
    return base64.b64encode(t.detach().numpy().astype("<f4").tobytes()).decode()


def main():
    reference = sys.argv[1]
    torch.set_num_threads(2)
    model = load(reference)
    if sys.argv[2] == "--time":
        n = int(sys.argv[3])
        x = torch.rand(n, 1, 28, 28)
        y = torch.randint(0, 10, (n,))
        start = time.perf_counter()
        for s in range(0, n, 500):
            pgd_linf(model, x[s:s + 500], y[s:s + 500], 0.1, 0.01, 20)
        print(json.dumps({"images": n, "steps": 20, "seconds": time.perf_counter() - start}))
        return
    samples = json.load(open(f"{reference}/mnist/samples.json"))
    x = torch.tensor(np.array(samples["pixels"], dtype=np.float32).reshape(-1, 1, 28, 28))
    y = torch.tensor(samples["labels"], dtype=torch.long)
    cases = [
        {"method": "fgsm", "norm": "linf", "epsilon": 0.1, "stepSize": 0.1, "steps": 1, "adv": fgsm(model, x, y, 0.1)},
        {"method": "pgd", "norm": "linf", "epsilon": 0.1, "stepSize": 0.01, "steps": 10, "adv": pgd_linf(model, x, y, 0.1, 0.01, 10)},
        {"method": "pgd", "norm": "l2", "epsilon": 1.0, "stepSize": 0.2, "steps": 10, "adv": pgd_l2(model, x, y, 1.0, 0.2, 10)},
    ]
    with torch.no_grad():
        for case in cases:
            case["predictions"] = model(case["adv"]).argmax(1).tolist()
            case["adv"] = b64(case["adv"])
    with torch.no_grad():
        bounds = [{"epsilon": eps, "lower": lo.tolist(), "upper": hi.tolist()} for eps in (0.001, 0.01) for lo, hi in [ibp(model, x, eps)]]
    out = {
        "ibp": bounds,
        "description": "PyTorch FGSM / PGD (torchattacks arithmetic, no random start) on mnist/cnn.onnx rebuilt as a torch module, first 20 test images of mnist/samples.json; adv = base64 float32 [20, 1, 28, 28]",
        "generator": "scripts/reference/torch_attacks.py",
        "torch": torch.__version__,
        "labels": samples["labels"],
        "cases": cases,
    }
    with open(sys.argv[2], "w") as f:
        json.dump(out, f)


if __name__ == "__main__":
    main()
