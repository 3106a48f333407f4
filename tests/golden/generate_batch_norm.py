#!/usr/bin/python3
"""PyTorch golden data for batch norm (tests/oracle_batch_norm.cpp, chapter 10).

Writes, next to this script:

  batch_norm.json   F.batch_norm on small random tensors of rank 2 to 5

The file is {"op", "torch", "generator", "cases": [...]}, one case per line,
in the same form as generate.py writes: a case holds the keyword arguments of
the call (the same keys as `kata try --json`: input, running_mean,
running_var, weight, bias, training, momentum, eps; a tensor argument is null
where PyTorch gets None) and then either

  "output", "running_mean_after", "running_var_after"
      PyTorch's output and the running statistics after the call (F.batch_norm
      updates them in place; they are passed in as copies and read back).
      An "_after" key is null when that statistic was not given.
  "error"
      the first line of the message PyTorch refused the call with.

Tensors are {"shape": [...], "data": [row-major values]}; every value is
written with 9 significant digits, so that it reads back as exactly the same
float32.

Cases, by id:
    0..11    the lesson's 2x2x2x2 example, and the edges of what is accepted
   12..29    refusals: one value per channel when training (every rank),
             running statistics, weight or bias of the wrong length, evaluation
             without running statistics
   30..      random: rank 2 to 5, with or without each of running_mean,
             running_var, weight and bias, training or evaluation, momentum and
             eps varied; inputs scaled and shifted so that the channel means
             are not zero

Two things PyTorch 1.13 accepts are left out, because the workbook refuses
them: an empty input (N or a spatial size 0) with arguments of the wrong length
or evaluation without running statistics (PyTorch returns before checking
them); and momentum=None (a TypeError in F.batch_norm). Empty inputs with
correct arguments are in: the output is empty and the statistics unchanged.

The data is committed; regenerate it only when adding cases:

    apt-get install python3-torch          # Debian's torch, for /usr/bin/python3
    /usr/bin/python3 tests/golden/generate_batch_norm.py

The output depends only on the seeds below (and the torch version, recorded in
the file): running it twice writes identical files.
"""

import random

import torch
import torch.nn.functional as F

from golden_json import Data, first_line, tensor_json
from golden_json import write as write_file

GENERATOR = "tests/golden/generate_batch_norm.py"



def write(op, cases):
    write_file(op, cases, GENERATOR)


# --- batch_norm ---------------------------------------------------------------

def batch_norm_golden(x, running_mean, running_var, weight, bias, training, momentum, eps):
    """The case's results: {"output", "running_mean_after", "running_var_after"} or {"error"}."""
    rm = running_mean.clone() if running_mean is not None else None
    rv = running_var.clone() if running_var is not None else None
    try:
        y = F.batch_norm(x, rm, rv, weight, bias, training, momentum, eps)
    except (RuntimeError, ValueError) as e:
        return {"error": first_line(e)}
    return {"output": tensor_json(y), "running_mean_after": tensor_json(rm), "running_var_after": tensor_json(rv)}


class BatchNormCases:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.data = Data(seed)
        self.cases = []

    def add(self, shape, *, running=True, affine=True, training=True, momentum=0.1, eps=1e-5, scale=1.0,
            shift=0.0, x=None, lengths=None):
        """One case on an input of `shape` (uniform * scale + shift, or `x`).
        running / affine: True (both given), False (neither), or "mean" / "var"
        / "weight" / "bias" (that one only). lengths: element counts for
        running_mean, running_var, weight, bias that differ from C."""
        c = shape[1]
        lengths = dict(lengths or {})
        if x is None:
            x = self.data.uniform(*shape) * scale + shift
        assert list(x.shape) == list(shape)
        assert x.numel() <= 200, f"case {len(self.cases)}: keep tensors small"

        def made(name, given):
            n = lengths.pop(name, c)
            if not given:
                return None
            if name == "running_var":  # a variance is positive
                return (self.data.uniform(n) + 1.0) * 0.9 + 0.2
            return self.data.uniform(n) * (2.0 if name == "running_mean" else 1.5)

        rm = made("running_mean", running in (True, "mean"))
        rv = made("running_var", running in (True, "var"))
        w = made("weight", affine in (True, "weight"))
        b = made("bias", affine in (True, "bias"))
        assert not lengths, f"unknown lengths {lengths}"
        case = {"id": len(self.cases), "input": tensor_json(x), "running_mean": tensor_json(rm),
                "running_var": tensor_json(rv), "weight": tensor_json(w), "bias": tensor_json(b),
                "training": training, "momentum": momentum, "eps": eps}
        case.update(batch_norm_golden(x, rm, rv, w, b, training, momentum, eps))
        self.cases.append(case)
        return case

    def refuse(self, *args, **kwargs):
        case = self.add(*args, **kwargs)
        assert "error" in case, f"case {case['id']} was meant to be refused"

    def accept(self, *args, **kwargs):
        case = self.add(*args, **kwargs)
        assert "output" in case, f"case {case['id']} was meant to work: {case.get('error')}"

    def until(self, end):
        assert len(self.cases) == end, f"{len(self.cases)} cases where the block should end at {end}"


def lesson_example():
    """The 2x2x2x2 input worked through in chapters/10_batch_norm/README.md."""
    return torch.tensor([[[[1., 5.], [5., 1.]], [[8., 11.], [11., 10.]]],
                         [[[5., 1.], [1., 5.]], [[10., 9.], [11., 10.]]]])


def batch_norm_cases():
    g = BatchNormCases(seed=10)
    r = g.rng

    # 0..11: the lesson's example, then the edges of what is accepted.
    x = lesson_example()
    g.accept([2, 2, 2, 2], x=x, affine=False)                       # training, running stats (random)
    g.accept([2, 2, 2, 2], x=x, affine=True)                        # ... with weight and bias
    g.accept([2, 2, 2, 2], x=x, training=False)                     # evaluation: the running statistics
    g.accept([2, 3], affine=False)                                  # [N, C]: two values per channel, the fewest
    g.accept([1, 2, 2], running=False)                              # N = 1 is fine when L = 2
    g.accept([1, 3, 1, 1], training=False)                          # one value per channel: fine in evaluation
    g.accept([3, 2, 2], running="mean", affine="weight", momentum=0.3)  # one statistic only: it alone is updated
    g.accept([2, 2, 3], running="var", affine="bias", momentum=0.7)
    g.accept([2, 2, 2, 2], momentum=0.0, scale=2.0, shift=1.0)      # momentum 0: the statistics do not move
    g.accept([2, 2, 2, 2], momentum=1.0, scale=2.0, shift=-1.0)     # momentum 1: they become the batch's
    g.accept([0, 3, 2], momentum=0.5)                               # an empty batch: statistics unchanged
    g.accept([2, 3, 0], training=False, eps=0.5)
    g.until(12)

    # 12..29: refusals.
    for shape in ([1, 3], [1, 3, 1], [1, 3, 1, 1], [1, 2, 1, 1, 1]):
        g.refuse(shape)                                             # one value per channel when training
    g.refuse([1, 3, 1, 1], running=False, affine=False)
    g.refuse([1, 2], running=False, lengths={"weight": 3})          # the one-value check comes first
    g.refuse([2, 3, 4], lengths={"running_mean": 4})                # running statistics of the wrong length
    g.refuse([2, 3, 4], lengths={"running_var": 2}, training=False)
    g.refuse([2, 3, 2, 2], lengths={"running_mean": 2, "running_var": 2})
    g.refuse([2, 4, 2], lengths={"weight": 3})                      # weight / bias of the wrong length
    g.refuse([2, 4, 2], lengths={"bias": 5}, training=False)
    g.refuse([2, 2, 2, 2, 2], running=False, lengths={"weight": 1})
    g.refuse([2, 1, 3], running=False, lengths={"bias": 2})
    g.refuse([2, 3, 4], running=False, training=False)              # evaluation without running statistics
    g.refuse([2, 3, 4], running="var", training=False)
    g.refuse([2, 3, 2, 2], running="mean", training=False)
    g.refuse([3, 2], running=False, affine=False, training=False)
    g.refuse([1, 2, 2, 1, 1], running=False, affine="weight", training=False)
    g.until(30)

    # 30..: random.
    while len(g.cases) < 130:
        rank = 2 + len(g.cases) % 4
        shape = [r.randint(1, 4), r.randint(1, 4)] + [r.randint(1, 3) for _ in range(rank - 2)]
        while torch.Size(shape).numel() > 120:
            shape[r.randrange(len(shape))] = 1
        training = r.random() < 0.6
        if training and torch.Size(shape).numel() == shape[1] and r.random() < 0.7:
            shape[0] = 2  # mostly inputs training accepts; the rest are refused as above
        g.add(shape, running=r.choice([True, True, True, False, "mean", "var"]) if training else True,
              affine=r.choice([True, True, False, "weight", "bias"]), training=training,
              momentum=r.choice([0.1, 0.1, 0.01, 0.5, 0.9, 1.0]), eps=r.choice([1e-5, 1e-5, 1e-3, 0.1, 1.0]),
              scale=r.choice([0.5, 1.0, 3.0]), shift=r.choice([0.0, r.uniform(-2, 2)]))
    return g.cases


if __name__ == "__main__":
    write("batch_norm", batch_norm_cases())
