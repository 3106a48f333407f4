"""What every golden-data script shares: seeded float32 values, the exact
JSON form of a tensor, and the file layout the C++ loader reads
(tests/support/golden.cpp). Imported by generate.py, generate_pooling.py and
generate_batch_norm.py; not a script itself."""

import json
import os

import torch

HERE = os.path.dirname(os.path.abspath(__file__))

torch.set_num_threads(1)  # one summation order, whatever the machine


class Data:
    """Float32 tensors, uniform in [-1, 1), from one seeded generator."""

    def __init__(self, seed):
        self.gen = torch.Generator().manual_seed(seed)

    def uniform(self, *shape):
        return torch.rand(*shape, generator=self.gen, dtype=torch.float32) * 2 - 1


def number(v):
    # 9 significant digits round-trip any float32; repr of the resulting
    # double is the shortest text that reads back to it.
    return float(f"{v:.9g}")


def tensor_json(t):
    """{"shape": [...], "data": [row-major floats]}, or None for None."""
    if t is None:
        return None
    t = t.detach().contiguous()
    return {"shape": list(t.shape), "data": [number(v) for v in t.flatten().tolist()]}


def indices_json(t):
    return {"shape": list(t.shape), "data": [int(v) for v in t.flatten().tolist()]}


def first_line(e):
    return str(e).strip().splitlines()[0]


def per_dim(v, s):
    """An int-or-list argument as one value per spatial dimension."""
    return list(v) if isinstance(v, (list, tuple)) else [v] * s


def random_ints(r, s, low, high, lists=0.4):
    """low..high for every spatial dimension: one int, or (sometimes, and
    never in 1-D) a list with one per dimension."""
    if s > 1 and r.random() < lists:
        return [r.randint(low, high) for _ in range(s)]
    return r.randint(low, high)


def write(op, cases, generator):
    """tests/golden/<op>.json: a header line, then one case per line."""
    path = os.path.join(HERE, op + ".json")
    ids = [c["id"] for c in cases]
    assert ids == list(range(len(cases))), f"{op}: ids must be 0, 1, 2, ..."
    header = json.dumps({"op": op, "torch": torch.__version__, "generator": generator})
    lines = [json.dumps(c, separators=(",", ":")) for c in cases]
    with open(path, "w") as f:
        f.write(header[:-1] + ', "cases": [\n' + ",\n".join(lines) + "\n]}\n")
    refused = sum("error" in c for c in cases)
    print(f"{path}: {len(cases)} cases ({refused} refused), {os.path.getsize(path)} bytes")
