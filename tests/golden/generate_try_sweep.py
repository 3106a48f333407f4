#!/usr/bin/python3
"""PyTorch's answers to a random sweep of `kata try --json` requests: every op
of the JSON contract, called in every argument form torch.nn.functional takes,
and refused in the forms it refuses.

    /usr/bin/python3 tests/golden/generate_try_sweep.py                 # writes try_sweep.json here
    /usr/bin/python3 tests/golden/generate_try_sweep.py --seed 7 --out build/sweep-7.json

A request is exactly the call F.<op>(**args): the same keywords, in the same
order, with tensors as {"shape": [...], "data": [...]}. Each case holds the op,
the args, and what PyTorch 1.13 made of them:

  "output"                  the result tensor
  "indices"                 max pooling with return_indices: the argmax tensor
  "running_mean_after",     batch_norm: the running statistics after the call
  "running_var_after"       (null where they were None)
  "error"                   the first line of PyTorch's message, when it refuses
  "form": true              a refusal of the argument's form (a bool where an
                            int belongs, a list of the wrong length, ...): kata
                            try must refuse with PyTorch's own first line
                            (optionally after "op: ")

Per op: 44 calls built from the accepted forms at random (an int, a list of one
or of one per dimension, None or [] where PyTorch takes them, 'same'/'valid',
keywords left out for their defaults, unbatched inputs), then 8 refusals of the
form and 8 of the values (sizes, channels, kernels too large, ...). Some random
calls are refused by PyTorch too; they count as refusals.

Left out on purpose (`kata try --help` lists them): nn.Conv1d's padding_mode
(not an argument of F.conv1d), and max pooling windows that hold no element of
the input (possible only with ceil_mode and a large dilation), where PyTorch
returns -inf and an index outside the input while the workbook refuses.

To check kata try against a fresh sweep:

    /usr/bin/python3 tests/golden/generate_try_sweep.py --seed 7 --out build/sweep-7.json
    KATA_TRY_SWEEP=$PWD/build/sweep-7.json ctest --preset solutions -R 'try_sweep'

Running it twice with the same seed writes the same file.
"""

import argparse
import json
import math
import os
import random
import sys
import warnings

import torch
import torch.nn.functional as F

from golden_json import HERE, Data, first_line, indices_json, tensor_json

warnings.filterwarnings("ignore")  # 'same' padding's copy, named-tensor notes

GENERATOR = "tests/golden/generate_try_sweep.py"
CALLS, FORM_REFUSALS, VALUE_REFUSALS = 44, 8, 8


# ------------------------------------------------------------------- forms ---

class Sweep:
    def __init__(self, seed):
        self.r = random.Random(seed)
        self.data = Data(seed)
        self.turns = {}

    def tensor(self, *shape):
        return tensor_json(self.data.uniform(*shape))

    def coin(self, p=0.5):
        return self.r.random() < p

    def turn(self, key, options):
        """options[0], options[1], ... in turn, per op: every form comes round, whatever the seed."""
        i = self.turns.get(key, 0)
        self.turns[key] = i + 1
        return options[i % len(options)]

    def sizes(self, key, values, s):
        """An int-list argument in one of the forms PyTorch takes for these
        per-dimension values: an int (all equal), [v], or one per dimension."""
        if all(v == values[0] for v in values):
            form = self.turn(key + " form", ["int", "one", "list"] if s > 1 else ["int", "one"])
            if form == "int":
                return values[0]
            if form == "one":
                return [values[0]]
        return list(values)

    def put(self, args, key, values, default, s):
        """args[key] in an accepted form, or left out when it is the default."""
        if all(v == default for v in values) and self.turn(key + " out", [True, False]):
            return
        args[key] = self.sizes(key, values, s)

    def values(self, key, s, default, draw):
        """Per-dimension values: the default every third call, otherwise drawn,
        half the time the same along every dimension."""
        if self.turn(key + " default", [True, False, False]):
            return [default] * s
        if self.coin(0.5):
            return [draw()] * s
        return [draw() for _ in range(s)]


# --------------------------------------------------------------- builders ---
# Each returns the args of one call that PyTorch should accept (a few still
# refuse; they stay as refusals).

def optional_tensor(sw, args, key, make):
    form = sw.turn(key, ["tensor", "None", "left out"])
    if form == "tensor":
        args[key] = make()
    elif form == "None":
        args[key] = None


def conv_call(sw, s):
    r = sw.r
    groups = r.choice([1, 1, 1, 2, 3])
    c = groups * r.randint(1, 2)
    oc = groups * r.randint(1, 2)
    k = sw.values("kernel", s, 1, lambda: r.randint(1, 3))
    d = sw.values("dilation", s, 1, lambda: r.choice([1, 2, 3]))
    word = sw.turn("padding word", [None, "same", None, "valid", None])
    st = [1] * s if word == "same" else sw.values("stride", s, 1, lambda: r.choice([1, 2, 3]))
    p = sw.values("padding", s, 0, lambda: r.randint(0, 2)) if word is None else [0] * s
    size = []
    for i in range(s):
        reach = d[i] * (k[i] - 1) + 1
        lo = max(1, reach - 2 * p[i])
        size.append(lo + r.randint(0, 3 if s < 3 else 1))
    n = r.choice([1, 2]) if s < 3 else 1
    unbatched = sw.turn("unbatched", [False, False, False, True])
    shape = ([] if unbatched else [n]) + [c] + size
    args = {"input": sw.tensor(*shape), "weight": sw.tensor(oc, c // groups, *k)}
    optional_tensor(sw, args, "bias", lambda: sw.tensor(oc))
    sw.put(args, "stride", st, 1, s)
    if word is not None:
        args["padding"] = word
    else:
        sw.put(args, "padding", p, 0, s)
    sw.put(args, "dilation", d, 1, s)
    if groups != 1 or sw.turn("groups", [True, False]):
        args["groups"] = groups
    return args


def conv_transpose_call(sw, s):
    r = sw.r
    groups = r.choice([1, 1, 1, 2])
    c = groups * r.randint(1, 2)
    oc = groups * r.randint(1, 2)
    k = sw.values("kernel", s, 1, lambda: r.randint(1, 3))
    st = sw.values("stride", s, 1, lambda: r.choice([1, 2, 3]))
    d = sw.values("dilation", s, 1, lambda: r.choice([1, 2]))
    op = [0] * s if sw.turn("output_padding default", [True, False]) else \
        [r.randint(0, max(a, b) - 1) for a, b in zip(st, d)]
    size = [r.randint(1, 4 if s == 1 else 3) for _ in range(s)]
    p = []
    for i in range(s):
        full = (size[i] - 1) * st[i] + d[i] * (k[i] - 1) + op[i] + 1
        p.append(r.randint(0, max(0, (full - 1) // 2)) if sw.coin(0.6) else 0)
    unbatched = sw.turn("unbatched", [False, False, False, True])
    shape = ([] if unbatched else [r.choice([1, 2])]) + [c] + size
    args = {"input": sw.tensor(*shape), "weight": sw.tensor(c, oc // groups, *k)}
    optional_tensor(sw, args, "bias", lambda: sw.tensor(oc))
    sw.put(args, "stride", st, 1, s)
    sw.put(args, "padding", p, 0, s)
    sw.put(args, "output_padding", op, 0, s)
    if groups != 1 or sw.turn("groups", [True, False]):
        args["groups"] = groups
    sw.put(args, "dilation", d, 1, s)
    return args


def pool_windows_reach_input(size, k, st, p, d, ceil):
    """Whether every window of a max pooling holds at least one input element."""
    for i in range(len(size)):
        num = size[i] + 2 * p[i] - d[i] * (k[i] - 1) - 1
        out = (num + (st[i] - 1 if ceil else 0)) // st[i] + 1
        if ceil and (out - 1) * st[i] >= size[i] + p[i]:
            out -= 1
        for o in range(out):
            if not any(0 <= o * st[i] - p[i] + j * d[i] < size[i] for j in range(k[i])):
                return False
    return True


def pool_call(sw, s, kind):
    r = sw.r
    while True:
        k = sw.values("kernel", s, 2, lambda: r.randint(1, 3))
        st = sw.values("stride", s, 1, lambda: r.randint(1, 3))
        p = [r.randint(0, kk // 2) for kk in k] if sw.coin(0.6) else [0] * s
        d = sw.values("dilation", s, 1, lambda: r.choice([1, 2])) if kind == "max" else [1] * s
        ceil = r.random() < 0.3
        size = [max(1, d[i] * (k[i] - 1) + 1 - 2 * p[i]) + r.randint(0, 4) for i in range(s)]
        if kind != "max" or pool_windows_reach_input(size, k, st, p, d, ceil):
            break
    unbatched = sw.turn("unbatched", [False, False, False, True])
    shape = ([] if unbatched else [r.choice([1, 2])]) + [r.randint(1, 2)] + size
    args = {"input": sw.tensor(*shape)}
    args["kernel_size"] = sw.sizes("kernel_size", k, s)
    form = sw.turn("stride", ["None", "given", "left out", "[]", "given"])
    if form == "None":
        args["stride"] = None
    elif form == "[]":
        args["stride"] = []
    elif form == "given":
        args["stride"] = sw.sizes("stride", st, s)
    sw.put(args, "padding", p, 0, s)
    if kind == "max":
        sw.put(args, "dilation", d, 1, s)
    if ceil or sw.turn("ceil_mode", [True, False]):
        args["ceil_mode"] = ceil
    if kind == "max":
        form = sw.turn("return_indices", [True, False, "left out"])
        if form != "left out":
            args["return_indices"] = form
    else:
        form = sw.turn("count_include_pad", [True, False, "left out"])
        if form != "left out":
            args["count_include_pad"] = form
        if s == 2:
            form = sw.turn("divisor_override", ["left out", None, "int"])
            if form != "left out":
                args["divisor_override"] = None if form is None else r.choice([1, 2, 3, -2])
    return args


def adaptive_call(sw):
    r = sw.r
    h, w = r.randint(1, 5), r.randint(1, 5)
    unbatched = sw.turn("unbatched", [False, False, False, True])
    shape = ([] if unbatched else [r.choice([1, 2])]) + [r.randint(1, 2), h, w]
    args = {"input": sw.tensor(*shape)}
    form = sw.turn("output_size", ["int", "pair", "none-h", "pair", "none-w", "none-both"])
    oh, ow = r.randint(0, 6), r.randint(0, 6)
    args["output_size"] = {"int": oh, "pair": [oh, ow], "none-h": [None, ow], "none-w": [oh, None],
                           "none-both": [None, None]}[form]
    return args


def batch_norm_call(sw):
    r = sw.r
    rank = r.randint(2, 5)
    c = r.randint(1, 3)
    n = r.randint(1, 3)
    spatial = [r.randint(1, 3) for _ in range(rank - 2)]
    if n * math.prod(spatial) == 1:
        n = 2
    training = sw.turn("training", [True, False, "left out"])
    args = {"input": sw.tensor(n, c, *spatial)}
    if training is True and sw.turn("statistics", [True, False]):
        args["running_mean"] = None
        args["running_var"] = None
    else:
        args["running_mean"] = sw.tensor(c)
        args["running_var"] = tensor_json(sw.data.uniform(c).abs() + 0.5)
    optional_tensor(sw, args, "weight", lambda: sw.tensor(c))
    optional_tensor(sw, args, "bias", lambda: sw.tensor(c))
    if training != "left out":
        args["training"] = training
    if sw.turn("momentum", [True, False]):
        args["momentum"] = r.choice([0.1, 0.5, 0.0, 1, 0.25])
    if sw.turn("eps", [False, True]):
        args["eps"] = r.choice([1e-5, 1e-3, 0.1, 1])
    return args


PAD_RANKS = {2: (2, 3), 4: (3, 4), 6: (4, 5)}  # non-constant modes: pad length -> input ranks


def pad_call(sw):
    r = sw.r
    mode = sw.turn("mode", ["constant", "reflect", "constant", "replicate", "circular"])
    if mode == "constant":
        rank = r.randint(1, 5)
        length = 2 * r.randint(0, min(rank, 3))
    else:
        length = sw.turn("length " + mode, [2, 4, 6])
        ranks = PAD_RANKS[length]
        rank = ranks[1] if mode == "circular" else r.choice(ranks)
    shape = [r.randint(1, 2) for _ in range(rank - length // 2)] + [r.randint(2, 4) for _ in range(length // 2)]
    pad = []
    for i in range(length // 2):
        size = shape[rank - 1 - i]
        if mode == "reflect":
            lo, hi = -(size - 1), size - 1
        elif mode == "circular":
            lo, hi = -(size - 1), size
        else:
            lo, hi = -(size - 1), 3
        while True:
            a, b = r.randint(lo, hi), r.randint(lo, hi)
            if r.random() < 0.6:
                a, b = max(a, 0), max(b, 0)
            kept = size - max(-a, 0) - max(-b, 0)
            # circular: PyTorch wraps what is left after cropping, and reads
            # memory it never wrote when a pad is longer than that
            if size + a + b >= 1 and (mode != "circular" or max(a, b) <= kept):
                break
        pad += [a, b]
    args = {"input": sw.tensor(*shape), "pad": pad}
    if mode != "constant" or sw.turn("constant mode", [True, False]):
        args["mode"] = mode
    form = sw.turn("value " + mode, ["number", "left out", "None"] if mode == "constant" else ["left out", "None", "0"])
    if form == "number":
        args["value"] = r.choice([0, 1.5, -2, 0.25])
    elif form == "None":
        args["value"] = None
    elif form == "0":
        args["value"] = 0
    return args


OPS = {
    "conv1d": lambda sw: conv_call(sw, 1),
    "conv2d": lambda sw: conv_call(sw, 2),
    "conv3d": lambda sw: conv_call(sw, 3),
    "conv_transpose1d": lambda sw: conv_transpose_call(sw, 1),
    "conv_transpose2d": lambda sw: conv_transpose_call(sw, 2),
    "max_pool1d": lambda sw: pool_call(sw, 1, "max"),
    "max_pool2d": lambda sw: pool_call(sw, 2, "max"),
    "avg_pool1d": lambda sw: pool_call(sw, 1, "avg"),
    "avg_pool2d": lambda sw: pool_call(sw, 2, "avg"),
    "adaptive_avg_pool2d": adaptive_call,
    "batch_norm": batch_norm_call,
    "pad": pad_call,
}

# The int-list keywords of each op, and its other keywords by kind: what the
# form refusals mutate.
INT_LISTS = {
    "conv1d": ["stride", "padding", "dilation"], "conv2d": ["stride", "padding", "dilation"],
    "conv3d": ["stride", "padding", "dilation"],
    "conv_transpose1d": ["stride", "padding", "output_padding", "dilation"],
    "conv_transpose2d": ["stride", "padding", "output_padding", "dilation"],
    "max_pool1d": ["kernel_size", "stride", "padding", "dilation"],
    "max_pool2d": ["kernel_size", "stride", "padding", "dilation"],
    "avg_pool1d": ["kernel_size", "stride", "padding"], "avg_pool2d": ["kernel_size", "stride", "padding"],
    "adaptive_avg_pool2d": ["output_size"], "batch_norm": [], "pad": ["pad"],
}
INTS = {"conv1d": ["groups"], "conv2d": ["groups"], "conv3d": ["groups"], "conv_transpose1d": ["groups"],
        "conv_transpose2d": ["groups"], "avg_pool2d": ["divisor_override"]}
BOOLS = {"max_pool1d": ["ceil_mode"], "max_pool2d": ["ceil_mode"], "avg_pool1d": ["ceil_mode", "count_include_pad"],
         "avg_pool2d": ["ceil_mode", "count_include_pad"], "batch_norm": ["training"]}
FLOATS = {"batch_norm": ["momentum", "eps"], "pad": ["value"]}
TENSORS = {"conv1d": ["bias"], "conv2d": ["bias"], "conv3d": ["bias"], "conv_transpose1d": ["bias"],
           "conv_transpose2d": ["bias"], "batch_norm": ["running_mean", "weight"]}
SPATIAL = {"conv1d": 1, "conv2d": 2, "conv3d": 3, "conv_transpose1d": 1, "conv_transpose2d": 2, "max_pool1d": 1,
           "max_pool2d": 2, "avg_pool1d": 1, "avg_pool2d": 2, "adaptive_avg_pool2d": 2}


def form_refusal(sw, op, args):
    """args with one keyword in a form PyTorch refuses."""
    r = sw.r
    kinds = [k for k, table in (("list", INT_LISTS), ("int", INTS), ("bool", BOOLS), ("float", FLOATS),
                                ("tensor", TENSORS)) if table.get(op)]
    kind = r.choice(kinds)
    if kind == "list":
        key = r.choice(INT_LISTS[op])
        s = SPATIAL.get(op, 2)
        bad = r.choice([True, 2.0, "2", [True, 1], [1.5], [1, 2.0], [1, None], [1] * (s + 1), [],
                        None, [[1]]])
        if key == "stride" and op.endswith("pool1d") or key == "stride" and op.endswith("pool2d"):
            if bad in (None, []):
                bad = [1] * (s + 1)
        if key == "pad" and bad == []:
            bad = 2
        if key == "output_size" and bad == [1, None]:  # None there is the input's size
            bad = [1, 2.0]
    elif kind == "int":
        key = r.choice(INTS[op])
        bad = r.choice([True, 2.0, "2", [1]] + ([None] if key == "groups" else []))
    elif kind == "bool":
        key = r.choice(BOOLS[op])
        bad = r.choice([1, 0, None, "yes", 1.0, [True]])
    elif kind == "float":
        key = r.choice(FLOATS[op])
        bad = r.choice(["x", [0.1], {"a": 1}] + ([None] if key != "value" else []))
    else:
        key = r.choice(TENSORS[op])
        bad = r.choice([[1.0, 2.0], 1.0, "t"])
    args = dict(args)
    args[key] = bad
    return args


def value_refusal(sw, op, args):
    """args with one value PyTorch refuses: what the workbook's own checks are for."""
    r = sw.r
    args = dict(args)
    s = SPATIAL.get(op)
    if op.startswith("conv"):
        choice = r.choice(["stride0", "negpad", "dil0", "groups0", "bias", "channels", "kernel", "rank"]
                          + (["same-stride", "word"] if not op.startswith("conv_t") else ["outpad"]))
        if choice == "stride0":
            args["stride"] = 0
        elif choice == "negpad":
            args["padding"] = -1
        elif choice == "dil0":
            args["dilation"] = 0
        elif choice == "groups0":
            args["groups"] = 0
        elif choice == "bias":
            w = args["weight"]["shape"]
            oc = w[1] * args.get("groups", 1) if op.startswith("conv_t") else w[0]
            args["bias"] = sw.tensor(oc + 1)
        elif choice == "channels":
            shape = list(args["input"]["shape"])
            shape[-1 - s] += 1
            args["input"] = sw.tensor(*shape)
        elif choice == "kernel":
            w = list(args["weight"]["shape"])
            w[-1] = args["input"]["shape"][-1] + 8
            args["weight"] = sw.tensor(*w)
            args.pop("padding", None)
            args.pop("output_padding", None)
            if op.startswith("conv_t"):
                args["padding"] = w[-1] + 4
        elif choice == "rank":
            shape = [1] + list(args["input"]["shape"])
            if len(shape) == s + 2:
                shape = [1] + shape
            args["input"] = sw.tensor(*shape)
        elif choice == "same-stride":
            args["padding"] = "same"
            args["stride"] = 2
        elif choice == "word":
            args["padding"] = "full"
        elif choice == "outpad":
            args["stride"] = 1
            args["dilation"] = 1
            args["output_padding"] = 1
    elif op in ("max_pool1d", "max_pool2d", "avg_pool1d", "avg_pool2d"):
        choice = r.choice(["k0", "stride0", "negpad", "bigpad", "small", "rank", "empty"]
                          + (["dil0"] if op.startswith("max") else [])
                          + (["div0"] if op == "avg_pool2d" else []))
        if choice == "k0":
            args["kernel_size"] = 0
        elif choice == "stride0":
            args["stride"] = 0
        elif choice == "negpad":
            args["padding"] = -1
        elif choice == "bigpad":
            args["kernel_size"] = 2
            args["padding"] = 2
        elif choice == "small":
            args["kernel_size"] = args["input"]["shape"][-1] + 3
            args["padding"] = 0
            args.pop("dilation", None)
            args["ceil_mode"] = False
            args["return_indices"] = True if op == "max_pool1d" else args.get("return_indices", False)
        elif choice == "rank":
            args["input"] = sw.tensor(*([1, 1] + list(args["input"]["shape"])))
        elif choice == "empty":
            shape = list(args["input"]["shape"])
            shape[-1 - s] = 0
            args["input"] = {"shape": shape, "data": []}
        elif choice == "dil0":
            args["dilation"] = 0
        elif choice == "div0":
            args["divisor_override"] = 0
    elif op == "adaptive_avg_pool2d":
        choice = r.choice(["neg", "rank", "three", "empty"])
        if choice == "neg":
            args["output_size"] = [-1, 2]
        elif choice == "rank":
            args["input"] = sw.tensor(*r.choice([[3], [1, 1, 1, 2, 2]]))
        elif choice == "three":
            args["output_size"] = [1, 2, 3]
        elif choice == "empty":
            shape = list(args["input"]["shape"])
            shape[-1] = 0
            args["input"] = {"shape": shape, "data": []}
    elif op == "batch_norm":
        c = args["input"]["shape"][1]
        choice = r.choice(["weight", "mean", "single", "eval", "rank"])
        if choice == "weight":
            args["weight"] = sw.tensor(c + 1)
        elif choice == "mean":
            args["running_mean"] = sw.tensor(c + 1)
            args["running_var"] = sw.tensor(c + 1)
        elif choice == "single":
            args["input"] = sw.tensor(1, c)
            args["training"] = True
        elif choice == "eval":
            args["running_mean"] = None
            args["running_var"] = None
            args["training"] = False
        elif choice == "rank":
            args["input"] = sw.tensor(c)
    elif op == "pad":
        x = args["input"]["shape"]
        choice = r.choice(["odd", "long", "reflect-big", "circular-wrap", "value", "mode", "rank", "crop"])
        if choice == "odd":
            args["pad"] = list(args["pad"]) + [1]
        elif choice == "long":
            args["pad"] = [1] * (2 * len(x) + 2)
        elif choice == "reflect-big":
            args["pad"] = [x[-1], 0]
            args["mode"] = "reflect"
            args.pop("value", None)
            if len(x) not in (2, 3):
                args["input"] = sw.tensor(1, 2, x[-1])
        elif choice == "circular-wrap":
            args["input"] = sw.tensor(1, 1, x[-1])
            args["pad"] = [x[-1] + 1, 0]
            args["mode"] = "circular"
            args.pop("value", None)
        elif choice == "value":
            args["mode"] = r.choice(["reflect", "replicate", "circular"])
            args["value"] = 1.0
        elif choice == "mode":
            args["mode"] = r.choice(["zeros", "mirror", "Reflect"])
        elif choice == "rank":
            args["input"] = sw.tensor(*([1] * 5 + [3]))
            args["pad"] = [1, 1]
            args["mode"] = r.choice(["reflect", "replicate", "circular"])
            args.pop("value", None)
        elif choice == "crop":
            args["pad"] = [-(x[-1] + 1), 0]
    return args


# ---------------------------------------------------------------- PyTorch ---

def to_python(value):
    if isinstance(value, dict) and set(value) == {"shape", "data"}:
        return torch.tensor(value["data"], dtype=torch.float32).reshape(value["shape"])
    return value


def finite_json(t):
    """tensor_json, with NaN and infinities as the strings kata try prints for them (JSON has no such numbers)."""
    out = tensor_json(t)
    if out is not None:
        out["data"] = [v if math.isfinite(v) else ("nan" if v != v else "inf" if v > 0 else "-inf") for v in out["data"]]
    return out


def answer(op, args):
    """What PyTorch makes of F.<op>(**args), as the case's result keys."""
    call = {k: to_python(v) for k, v in args.items()}
    try:
        with torch.no_grad():
            result = getattr(F, op)(**call)
    except Exception as e:  # TypeError, ValueError, RuntimeError, NotImplementedError, IndexError
        return {"error": first_line(e)}
    out = {}
    if isinstance(result, tuple):
        out["output"] = finite_json(result[0])
        out["indices"] = indices_json(result[1])
    else:
        out["output"] = finite_json(result)
    if op == "batch_norm":
        out["running_mean_after"] = finite_json(call["running_mean"])
        out["running_var_after"] = finite_json(call["running_var"])
    return out


def sweep(seed):
    sw = Sweep(seed)
    cases = []
    for op, build in OPS.items():
        sw.turns = {}
        calls = [build(sw) for _ in range(CALLS)]
        for args in calls:
            cases.append({"op": op, "args": args, **answer(op, args)})
        for i in range(FORM_REFUSALS):
            args = form_refusal(sw, op, calls[i])
            result = answer(op, args)
            assert "error" in result, f"{op}: PyTorch accepted a form meant to be refused: {args}"
            cases.append({"op": op, "args": args, **result, "form": True})
        for i in range(VALUE_REFUSALS):
            args = value_refusal(sw, op, calls[CALLS - 1 - i])
            cases.append({"op": op, "args": args, **answer(op, args)})
    for i, case in enumerate(cases):
        case["id"] = i
    return cases


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", default=os.path.join(HERE, "try_sweep.json"))
    a = parser.parse_args()
    torch.set_num_threads(1)
    cases = sweep(a.seed)
    header = json.dumps({"op": "try_sweep", "torch": torch.__version__, "generator": GENERATOR, "seed": a.seed})
    lines = [json.dumps(c, separators=(",", ":")) for c in cases]
    with open(a.out, "w") as f:
        f.write(header[:-1] + ', "cases": [\n' + ",\n".join(lines) + "\n]}\n")
    by_op = {}
    for c in cases:
        t = by_op.setdefault(c["op"], [0, 0])
        t["error" in c] += 1
    for op, (ok, refused) in by_op.items():
        print(f"{op:20s} {ok:3d} results, {refused:3d} refusals")
    print(f"{a.out}: {len(cases)} cases, {os.path.getsize(a.out)} bytes")


if __name__ == "__main__":
    sys.exit(main())
