#!/usr/bin/python3
"""PyTorch golden data for the workbook's oracle tests (tests/oracle.cpp).

Writes, next to this script:

  conv1d.json   F.conv1d, and nn.Conv1d's padding_mode, on small random tensors
  pad1d.json    F.pad of the last dimension of a [N, C, L] tensor

Each file is {"op", "torch", "generator", "cases": [...]}, one case per line.
A case holds the keyword arguments of the call (the same keys as
`kata try --json`) and either PyTorch's "output" or, when PyTorch refuses the
call, "error": the first line of its message. Tensors are
{"shape": [...], "data": [row-major values]}; inputs are float32 uniform in
[-1, 1), and every value is written with 9 significant digits, so that it reads
back as exactly the same float32.

conv1d cases, by id:
    0..39    plain: stride 1, no padding, no dilation, one group
   40..79    stride
   80..119   padding: an amount, 'same' or 'valid', in all four padding modes
  120..      everything at once: dilation and groups as well

How each conv1d case is computed:
  padding_mode 'zeros'   F.conv1d(input, weight, bias, stride, padding, dilation, groups)
  any other mode         nn.Conv1d(..., padding_mode=mode) with the case's weight and
                         bias put in, which pads with F.pad(input, (left, right), mode)
                         and convolves with padding 0; 'same' pads
                         dilation*(K-1) in total, the odd element on the right. The
                         same result is computed again from that formula, and the
                         script stops if the two differ.

Negative padding appears only with padding_mode 'zeros', where F.conv1d refuses it.
With another mode PyTorch 1.13 accepts it (F.pad crops the input), while the
workbook refuses negative padding everywhere.

The data is committed; regenerate it only when adding cases:

    apt-get install python3-torch          # Debian's torch, for /usr/bin/python3
    /usr/bin/python3 tests/golden/generate.py

The output depends only on the seeds below (and the torch version, recorded in
each file): running it twice writes identical files.
"""

import json
import os
import random
import warnings

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
GENERATOR = "tests/golden/generate.py"
MODES = ["zeros", "reflect", "replicate", "circular"]

torch.set_num_threads(1)  # one summation order, whatever the machine
# F.conv1d notes that an even total of "same" padding copies the input; that is expected here.
warnings.filterwarnings("ignore", message="Using padding='same'")


# --- values ----------------------------------------------------------------

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
    t = t.detach().contiguous()
    return {"shape": list(t.shape), "data": [number(v) for v in t.flatten().tolist()]}


def first_line(e):
    return str(e).strip().splitlines()[0]


def write(op, cases):
    path = os.path.join(HERE, op + ".json")
    ids = [c["id"] for c in cases]
    assert ids == list(range(len(cases))), f"{op}: ids must be 0, 1, 2, ..."
    header = json.dumps({"op": op, "torch": torch.__version__, "generator": GENERATOR})
    lines = [json.dumps(c, separators=(",", ":")) for c in cases]
    with open(path, "w") as f:
        f.write(header[:-1] + ', "cases": [\n' + ",\n".join(lines) + "\n]}\n")
    refused = sum("error" in c for c in cases)
    print(f"{path}: {len(cases)} cases ({refused} refused), {os.path.getsize(path)} bytes")


# --- conv1d ----------------------------------------------------------------

def conv1d_nn(x, w, b, stride, padding, dilation, groups, mode):
    """nn.Conv1d with padding_mode=mode, holding exactly the weight and bias given."""
    conv = torch.nn.Conv1d(w.shape[1] * groups, w.shape[0], w.shape[2], stride=stride, padding=padding,
                           dilation=dilation, groups=groups, bias=b is not None, padding_mode=mode)
    with torch.no_grad():
        conv.weight = torch.nn.Parameter(w.clone())
        if b is not None:
            conv.bias = torch.nn.Parameter(b.clone())
        return conv(x)


def conv1d_formula(x, w, b, stride, padding, dilation, groups, mode):
    """What nn.Conv1d does for padding_mode != 'zeros', written out."""
    if padding == "same":
        if stride != 1:  # refused as F.conv1d refuses it
            return F.conv1d(x, w, b, stride, "same", dilation, groups)
        total = dilation * (w.shape[2] - 1)
        left, right = total // 2, total - total // 2
    elif padding == "valid":
        left = right = 0
    else:
        left = right = padding
    return F.conv1d(F.pad(x, (left, right), mode=mode), w, b, stride, 0, dilation, groups)


def conv1d_golden(x, w, b, stride, padding, dilation, groups, mode):
    """('output', tensor) or ('error', message): what PyTorch makes of the call."""
    if mode == "zeros":
        try:
            return "output", F.conv1d(x, w, b, stride, padding, dilation, groups)
        except (RuntimeError, ValueError) as e:
            return "error", first_line(e)

    try:
        expected = ("output", conv1d_formula(x, w, b, stride, padding, dilation, groups, mode))
    except (RuntimeError, ValueError) as e:
        expected = ("error", first_line(e))
    if padding == "same" and stride != 1:
        return expected  # nn.Conv1d refuses in its constructor, with the same words
    try:
        module = conv1d_nn(x, w, b, stride, padding, dilation, groups, mode)
    except ValueError as e:
        # nn.Conv1d's constructor checks the channels against groups in its
        # own words; keep F.conv1d's message, which the formula produced.
        assert expected[0] == "error", f"nn.Conv1d refused ({e}) what F.conv1d accepts"
        return expected
    except RuntimeError as e:
        assert expected[0] == "error", f"nn.Conv1d refused ({e}) what the formula accepts"
        return "error", first_line(e)
    assert expected[0] == "output", f"nn.Conv1d accepted what the formula refuses: {expected[1]}"
    assert torch.equal(module, expected[1]), "nn.Conv1d and the formula disagree"
    return "output", module


class Conv1dCases:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.data = Data(seed)
        self.cases = []

    def add(self, n, c, length, oc, k, *, wc=None, bias=True, stride=1, padding=0, dilation=1, groups=1,
            mode="zeros"):
        """One case: input [n, c, length], weight [oc, wc, k] (wc defaults to
        c // groups), bias of `bias` elements (True: oc, False: None)."""
        if wc is None:
            wc = max(c // groups, 1) if groups > 0 else c
        x = self.data.uniform(n, c, length)
        w = self.data.uniform(oc, wc, k)
        b = None
        if bias is not False:
            b = self.data.uniform(oc if bias is True else bias)
        for t in (x, w) + ((b,) if b is not None else ()):
            assert t.numel() <= 200, f"case {len(self.cases)}: keep tensors small"
        kind, result = conv1d_golden(x, w, b, stride, padding, dilation, groups, mode)
        case = {"id": len(self.cases), "input": tensor_json(x), "weight": tensor_json(w),
                "bias": tensor_json(b) if b is not None else None, "stride": stride, "padding": padding,
                "dilation": dilation, "groups": groups, "padding_mode": mode}
        case[kind] = tensor_json(result) if kind == "output" else result
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


def pad_pair(padding, k, dilation):
    """(left, right) as nn.Conv1d pads for padding_mode != 'zeros'."""
    if padding == "same":
        total = dilation * (k - 1)
        return total // 2, total - total // 2
    if padding == "valid":
        return 0, 0
    return padding, padding


def fits(length, k, padding, dilation, mode):
    """Whether PyTorch accepts this padding and kernel on this length."""
    left, right = pad_pair(padding, k, dilation)
    if mode == "reflect" and max(left, right) >= length:
        return False
    if mode == "circular" and max(left, right) > length:
        return False
    return dilation * (k - 1) + 1 <= length + left + right


def random_padding(r, length, stride, mode):
    """An amount 0..3, 'valid' or (at stride 1) 'same' that the mode accepts on this length."""
    choices = list(range(0, 4)) + ["valid"] + (["same", "same"] if stride == 1 else [])
    return r.choice([p for p in choices if fits(length, 1, p, 1, mode)])


def random_kernel(r, length, padding, dilation, mode):
    """A kernel of 1..4 taps that fits; 1 always does."""
    k = r.randint(1, 4)
    while k > 1 and not fits(length, k, padding, dilation, mode):
        k -= 1
    return k


def conv1d_cases():
    g = Conv1dCases(seed=1)
    r = g.rng

    # 0..39: plain. A few fixed edge cases, then random ones; six refusals.
    g.accept(1, 1, 1, 1, 1)                      # one tap on one element
    g.accept(1, 1, 5, 1, 5, bias=False)          # kernel as long as the input
    g.accept(2, 3, 7, 4, 1)                      # a 1x1 convolution mixes channels only
    g.refuse(1, 1, 3, 1, 4)                      # kernel longer than the input
    g.refuse(2, 3, 6, 2, 3, wc=2)                # weight expects 2 channels, input has 3
    g.refuse(1, 2, 5, 3, 2, bias=2)              # bias of 2 for 3 output channels
    while len(g.cases) < 37:
        length = r.randint(1, 12)
        g.accept(r.randint(1, 3), r.randint(1, 4), length, r.randint(1, 4), r.randint(1, length),
                 bias=r.random() < 0.6)
    g.refuse(3, 2, 4, 2, 6, bias=False)          # kernel longer than the input
    g.refuse(1, 4, 8, 2, 3, wc=1)                # weight expects 1 channel, input has 4
    g.refuse(2, 1, 9, 1, 2, bias=3)              # bias of 3 for 1 output channel
    g.until(40)

    # 40..79: stride.
    g.accept(1, 1, 7, 1, 3, stride=2)            # (7 - 3) / 2 + 1 = 3: windows fit exactly
    g.accept(1, 1, 8, 1, 3, stride=2)            # (8 - 3) / 2 + 1 = 3: the last element is dropped
    g.accept(2, 2, 5, 3, 5, stride=4)            # one window, whatever the stride
    g.accept(1, 3, 10, 2, 1, stride=3)           # 1x1 with stride: subsampling
    g.refuse(1, 1, 6, 1, 2, stride=0)            # stride 0
    g.refuse(2, 2, 6, 1, 3, stride=0, bias=False)
    g.refuse(1, 1, 6, 1, 2, stride=-1)           # negative stride
    g.refuse(1, 2, 3, 2, 5, stride=2)            # kernel longer than the input
    while len(g.cases) < 78:
        length = r.randint(1, 14)
        g.accept(r.randint(1, 3), r.randint(1, 4), length, r.randint(1, 4), r.randint(1, min(length, 5)),
                 stride=r.randint(1, 4), bias=r.random() < 0.6)
    g.refuse(1, 1, 4, 1, 6, stride=3)            # kernel longer than the input
    g.refuse(2, 3, 9, 2, 3, wc=2, stride=2)      # channels do not match
    g.until(80)

    # 80..119: padding. Every mode with every kind of padding first.
    for mode in MODES:
        g.accept(1, 1, 5, 1, 3, padding=2, mode=mode)              # the lesson's example
        g.accept(2, 2, 6, 2, 4, padding="same", mode=mode)         # even kernel: extra element on the right
        g.accept(1, 2, 6, 3, 3, padding="valid", mode=mode, bias=False)
    g.refuse(1, 1, 6, 1, 3, padding="same", stride=2)              # 'same' with a stride
    g.refuse(1, 2, 6, 1, 3, padding="same", stride=3, mode="reflect")
    g.refuse(1, 1, 3, 1, 2, padding=3, mode="reflect")             # reflect needs padding < length
    g.accept(1, 1, 3, 1, 2, padding=2, mode="reflect")             # ... and padding = length - 1 works
    g.refuse(1, 1, 2, 1, 5, padding="same", mode="reflect")        # 'same' reflect pads 2 on a length of 2
    g.refuse(1, 1, 2, 1, 2, padding=3, mode="circular")            # circular wraps around at most once
    g.accept(2, 1, 2, 2, 2, padding=2, mode="circular")            # ... padding = length still works
    g.accept(1, 1, 1, 1, 3, padding=3, mode="replicate")           # replicate pads any amount
    g.accept(1, 1, 1, 1, 3, padding=1, mode="zeros")               # kernel longer than the input, fits once padded
    g.refuse(1, 1, 4, 1, 2, padding=-1)                            # negative padding
    g.refuse(1, 2, 6, 2, 3, padding=-2, bias=False)
    while len(g.cases) < 118:
        mode = MODES[len(g.cases) % 4]
        length = r.randint(1, 10)
        stride = r.choice([1, 1, 2, 3])
        padding = random_padding(r, length, stride, mode)
        k = random_kernel(r, length, padding, 1, mode)
        g.accept(r.randint(1, 3), r.randint(1, 3), length, r.randint(1, 3), k, stride=stride, padding=padding,
                 mode=mode, bias=r.random() < 0.6)
    g.refuse(1, 1, 4, 1, 3, padding=4, mode="reflect", stride=2)
    g.refuse(1, 1, 2, 1, 7, padding=1, mode="replicate")           # kernel longer than the padded input
    g.until(120)

    # 120..: dilation and groups, with everything else.
    g.accept(1, 1, 9, 1, 3, dilation=2)                            # taps at 0, 2, 4: reach 5
    g.accept(1, 1, 5, 1, 3, dilation=2)                            # reach = length: one output
    g.accept(1, 4, 6, 4, 2, groups=4)                              # depthwise
    g.accept(2, 4, 6, 6, 3, groups=2, padding="same", dilation=3, mode="reflect")
    g.accept(1, 3, 7, 3, 3, groups=3, padding=2, dilation=2, mode="circular", stride=2)
    g.accept(1, 2, 4, 4, 3, groups=2, padding="same", dilation=3, mode="replicate")
    g.accept(1, 1, 1, 1, 2, padding="same", dilation=3)            # 'same' with a reach far beyond the input
    g.refuse(1, 1, 6, 1, 2, dilation=0)                            # dilation 0
    g.refuse(1, 2, 6, 2, 2, dilation=0, padding="same", mode="reflect")
    g.refuse(1, 1, 6, 1, 3, dilation=-1)                           # negative dilation
    g.refuse(1, 3, 6, 3, 2, wc=1, groups=2)                        # 3 input channels in 2 groups
    g.refuse(1, 4, 6, 3, 2, wc=2, groups=2)                        # 3 output channels in 2 groups
    g.refuse(1, 4, 6, 2, 2, wc=4, groups=2)                        # weight holds all channels, not C/groups
    g.refuse(1, 2, 6, 2, 2, wc=2, groups=0)                        # groups 0
    g.refuse(1, 1, 5, 1, 3, dilation=3)                            # reach 7 > 5
    g.refuse(1, 1, 4, 1, 3, dilation=3, padding=1, mode="circular")  # reach 7 > 4 + 2
    g.refuse(1, 2, 2, 2, 3, dilation=2, padding=1, groups=2, mode="replicate")  # reach 5 > 2 + 2
    g.accept(1, 2, 3, 2, 3, dilation=2, padding=1, groups=2, mode="zeros", stride=2)  # reach 5 = 3 + 2
    g.refuse(1, 2, 3, 2, 3, dilation=2, padding=3, groups=2, mode="reflect")  # reflect: padding 3 on 3
    g.refuse(2, 3, 6, 3, 2, dilation=2, padding="same", groups=3, stride=2, mode="circular")
    while len(g.cases) < 175:
        mode = MODES[len(g.cases) % 4]
        groups = r.choice([1, 1, 2, 3])
        dilation = r.randint(1, 3)
        length = r.randint(1, 12)
        stride = r.choice([1, 1, 2, 3])
        padding = random_padding(r, length, stride, mode)
        k = random_kernel(r, length, padding, dilation, mode)
        g.accept(r.randint(1, 2), groups * r.randint(1, 2), length, groups * r.randint(1, 2), k, stride=stride,
                 padding=padding, dilation=dilation, groups=groups, mode=mode, bias=r.random() < 0.6)
    return g.cases


# --- pad1d -----------------------------------------------------------------

def pad1d_cases():
    rng = random.Random(2)
    data = Data(2)
    cases = []

    def add(n, c, length, left, right, mode, refused=None):
        x = data.uniform(n, c, length)
        case = {"id": len(cases), "input": tensor_json(x), "pad": [left, right], "mode": mode}
        try:
            if mode == "constant":
                case["output"] = tensor_json(F.pad(x, (left, right), mode=mode, value=0.0))
            else:
                case["output"] = tensor_json(F.pad(x, (left, right), mode=mode))
        except (RuntimeError, ValueError, NotImplementedError) as e:
            case["error"] = first_line(e)
        if refused is not None:
            assert ("error" in case) == refused, f"pad1d case {case['id']}: {case.get('error', 'accepted')}"
        cases.append(case)

    pad_modes = ["constant", "reflect", "replicate", "circular"]
    # The edges of every mode on one small input.
    for mode in pad_modes:
        add(1, 1, 5, 2, 2, mode, refused=False)   # the table in padding.hpp
        add(1, 1, 5, 0, 0, mode, refused=False)   # nothing to add
        add(1, 1, 5, 3, 0, mode, refused=False)   # one side only
        add(1, 1, 5, 0, 1, mode, refused=False)
        add(1, 1, 1, 0, 0, mode, refused=False)   # a single element
    add(1, 1, 5, 4, 4, "reflect", refused=False)   # the largest reflection: length - 1
    add(1, 1, 5, 5, 0, "reflect", refused=True)    # ... one more is refused
    add(1, 1, 5, 0, 5, "reflect", refused=True)
    add(1, 1, 1, 1, 0, "reflect", refused=True)    # a single element cannot be mirrored
    add(1, 1, 5, 5, 5, "circular", refused=False)  # wrapping around exactly once
    add(1, 1, 5, 6, 0, "circular", refused=True)   # ... more is refused
    add(1, 1, 3, 0, 4, "circular", refused=True)
    add(1, 1, 1, 2, 2, "replicate", refused=False)  # replicate and constant take any amount
    add(1, 1, 1, 2, 2, "constant", refused=False)
    add(2, 3, 4, 5, 5, "replicate", refused=False)
    while len(cases) < 120:
        mode = pad_modes[len(cases) % 4]
        length = rng.randint(1, 10)
        left, right = rng.randint(0, length + 1), rng.randint(0, length + 1)
        if mode == "reflect" and rng.random() < 0.7:
            left, right = min(left, length - 1), min(right, length - 1)
        add(rng.randint(1, 2), rng.randint(1, 3), length, left, right, mode)
    return cases


if __name__ == "__main__":
    torch.manual_seed(0)  # nn.Conv1d initialises a weight before the case's own is put in
    write("conv1d", conv1d_cases())
    write("pad1d", pad1d_cases())
