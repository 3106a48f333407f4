#!/usr/bin/python3
"""PyTorch golden data for the workbook's oracle tests (tests/oracle.cpp and
tests/oracle_nd.cpp).

Writes, next to this script:

  conv1d.json             F.conv1d, and nn.Conv1d's padding_mode, on small random tensors
  pad1d.json              F.pad of the last dimension of a [N, C, L] tensor
  conv2d.json             F.conv2d(input, weight, bias, stride, padding, dilation, groups)
  conv3d.json             F.conv3d, the same arguments
  conv_transpose1d.json   F.conv_transpose1d(input, weight, bias, stride, padding,
  conv_transpose2d.json       output_padding, groups, dilation), and the 2-D one

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

conv2d and conv3d cases have the same keys less padding_mode. stride, padding
and dilation are an int (the same along every dimension) or a list with one per
dimension ([H, W] or [D, H, W]); padding may also be 'same' or 'valid' (or, to
be refused, another word). The weight is [OC, C/groups, K...].

conv2d cases, by id:
    0..109   one group: stride 1..3, padding 0..2, 'same' (odd and even kernels,
             with dilation) and 'valid', dilation 1..3, kernels not square
  110..      groups 2..4, depthwise (groups = C) and depthwise with OC = 2*C
Refusals are in both halves: a kernel beyond the padded input along H or W
only, channels that do not match the weight or groups, a bias of the wrong
length, stride 0, negative padding, dilation 0, groups 0, 'same' with a
stride, a padding word that is not 'same' or 'valid'.

conv3d cases mix everything, with groups 1 and 2.

conv_transpose1d and conv_transpose2d cases have the keys id, input, weight,
bias, stride, padding, output_padding, groups, dilation (an int each in 1-D;
int or [H, W] in 2-D, padding never a word). The weight is [C, OC/groups, K...],
the output [N, OC, (L-1)*stride - 2*padding + dilation*(K-1) + output_padding + 1, ...].
output_padding must be below stride or below dilation (max(stride, dilation))
along each dimension; cases on both sides of that rule are included, with
output sizes down to 1 and refusals below it.

Besides the conv1d check above, two more are made on the outputs: an output of
padding='same' must equal the convolution of the input padded as written out
(dilation*(K-1) zeros in all, the odd one at the end) with padding 0; and a
transposed convolution must equal the adjoint of the convolution with the
same weight and arguments (the gradient with respect to its input, in double
precision) plus the bias. Either disagreement stops the script.

The data is committed; regenerate it only when adding cases:

    apt-get install python3-torch          # Debian's torch, for /usr/bin/python3
    /usr/bin/python3 tests/golden/generate.py

The output depends only on the seeds below (and the torch version, recorded in
each file): running it twice writes identical files.
"""

import random
import warnings

import torch
import torch.nn.functional as F

from golden_json import Data, first_line, per_dim, random_ints, tensor_json
from golden_json import write as write_file

GENERATOR = "tests/golden/generate.py"
MODES = ["zeros", "reflect", "replicate", "circular"]

# F.conv1d notes that an even total of "same" padding copies the input; that is expected here.
warnings.filterwarnings("ignore", message="Using padding='same'")


def write(op, cases):
    write_file(op, cases, GENERATOR)


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


# --- conv2d, conv3d and the transposed convolutions --------------------------

CONV_KEYS = ["stride", "padding", "dilation", "groups"]                         # F.conv2d, F.conv3d
TRANSPOSE_KEYS = ["stride", "padding", "output_padding", "groups", "dilation"]  # F.conv_transposeNd
DEFAULTS = {"stride": 1, "padding": 0, "output_padding": 0, "dilation": 1, "groups": 1}


class TooBig(Exception):
    """A case with a tensor over the size limit; a random block draws another."""



class ConvNdCases:
    """Cases of F.<op> on `s` spatial dimensions. The arguments after the bias
    are `keys`, in the order F.<op> takes them, and are written as given: an
    int, or a list with one value per dimension (or a padding string)."""

    def __init__(self, op, s, seed, transposed=False, limit=300):
        self.op, self.s, self.transposed, self.limit = op, s, transposed, limit
        self.function = getattr(F, op)
        self.keys = TRANSPOSE_KEYS if transposed else CONV_KEYS
        self.rng = random.Random(seed)
        self.data = Data(seed)
        self.cases = []

    def add(self, n, c, size, oc, kernel, *, wc=None, bias=True, **args):
        """One case: input [n, c, *size], a kernel of `kernel` taps (an int, or
        one per dimension), `oc` output channels. The weight is
        [oc, wc, *kernel] for a convolution (wc defaults to c // groups) and
        [wc, oc // groups, *kernel] for a transposed one (wc defaults to c);
        bias of `bias` elements (True: oc, False: None). `args` are the other
        arguments (self.keys); PyTorch's defaults where left out."""
        assert set(args) <= set(self.keys), f"{self.op} takes no {set(args) - set(self.keys)}"
        args = {key: args.get(key, DEFAULTS[key]) for key in self.keys}
        groups = args["groups"] if args["groups"] > 0 else 1
        kernel = per_dim(kernel, self.s)
        if self.transposed:
            weight_shape = [c if wc is None else wc, max(oc // groups, 1)] + kernel
        else:
            weight_shape = [oc, max(c // groups, 1) if wc is None else wc] + kernel
        x = self.data.uniform(n, c, *per_dim(size, self.s))
        w = self.data.uniform(*weight_shape)
        b = None
        if bias is not False:
            b = self.data.uniform(oc if bias is True else bias)
        try:
            kind, result = "output", self.function(x, w, b, *(args[key] for key in self.keys))
        except (RuntimeError, ValueError) as e:
            kind, result = "error", first_line(e)
        if kind == "output":
            (self.check_adjoint if self.transposed else self.check_same)(x, w, b, args, result)
        tensors = [x, w] + ([b] if b is not None else []) + ([result] if kind == "output" else [])
        if max(t.numel() for t in tensors) > self.limit:
            raise TooBig(f"{self.op} case {len(self.cases)}: keep tensors within {self.limit} elements")
        case = {"id": len(self.cases), "input": tensor_json(x), "weight": tensor_json(w),
                "bias": tensor_json(b) if b is not None else None}
        case.update(args)
        case[kind] = tensor_json(result) if kind == "output" else result
        self.cases.append(case)
        return case

    def check_same(self, x, w, b, args, result):
        """padding='same' written out: dilation*(K-1) zeros in all along each
        dimension, the odd one at the end, then no padding."""
        if args["padding"] != "same":
            return
        pads = []
        for k, dilation in zip(reversed(w.shape[2:]), reversed(per_dim(args["dilation"], self.s))):
            total = dilation * (k - 1)
            pads += [total // 2, total - total // 2]
        formula = self.function(F.pad(x, pads), w, b, args["stride"], 0, args["dilation"], args["groups"])
        assert torch.allclose(result, formula, rtol=1e-5, atol=1e-6), f"{self.op}: 'same' is not what it seems"

    def check_adjoint(self, x, w, b, args, result):
        """A transposed convolution is the adjoint of the convolution with the
        same weight and arguments: the gradient of conv(z) with respect to z,
        for an upstream gradient of x (zeros past x's end when output_padding
        reaches past a stride), plus the bias. Computed in double precision."""
        conv = getattr(F, self.op.replace("_transpose", ""))
        z = torch.zeros(result.shape, dtype=torch.float64, requires_grad=True)
        y = conv(z, w.double(), None, args["stride"], args["padding"], args["dilation"], args["groups"])
        upstream = torch.zeros(y.shape, dtype=torch.float64)
        upstream[(...,) + tuple(slice(0, n) for n in x.shape[2:])] = x.double()
        adjoint = torch.autograd.grad(y, z, upstream)[0]
        if b is not None:
            adjoint = adjoint + b.double().reshape([-1] + [1] * self.s)
        assert torch.allclose(result.double(), adjoint, rtol=1e-5, atol=1e-6), f"{self.op}: not conv's adjoint"

    def refuse(self, *args, **kwargs):
        case = self.add(*args, **kwargs)
        assert "error" in case, f"{self.op} case {case['id']} was meant to be refused"

    def accept(self, *args, **kwargs):
        case = self.add(*args, **kwargs)
        assert "output" in case, f"{self.op} case {case['id']} was meant to work: {case.get('error')}"

    def until(self, end):
        assert len(self.cases) == end, f"{self.op}: {len(self.cases)} cases where the block should end at {end}"



def random_conv_padding(r, s, stride):
    """0..2, a list of them, 'valid', or (at stride 1 everywhere) 'same'."""
    choices = ["int", "int", "list", "list", "valid"]
    if per_dim(stride, s) == [1] * s:
        choices += ["same", "same"]
    choice = r.choice(choices)
    if choice == "int":
        return r.randint(0, 2)
    if choice == "list":
        return [r.randint(0, 2) for _ in range(s)]
    return choice


def random_conv_kernel(r, size, padding, dilation, max_taps):
    """1..max_taps taps per dimension that fit in the padded input (1 always does)."""
    kernel = []
    for d, (length, dil) in enumerate(zip(size, dilation)):
        k = r.randint(1, max_taps)
        if padding != "same":  # 'same' pads dilation*(k-1): every kernel fits
            total = 0 if padding == "valid" else 2 * per_dim(padding, len(size))[d]
            while k > 1 and dil * (k - 1) + 1 > length + total:
                k -= 1
        kernel.append(k)
    return kernel


def random_conv(g, groups, max_size, multipliers, max_taps=4):
    """A random valid call of F.conv2d / F.conv3d with `groups` groups, C and OC
    a multiple of it (C/groups and OC/groups drawn from `multipliers`)."""
    r, s = g.rng, g.s
    while True:
        stride = random_ints(r, s, 1, 3)
        dilation = random_ints(r, s, 1, 3) if r.random() < 0.4 else 1
        padding = random_conv_padding(r, s, stride)
        size = [r.randint(1, max_size) for _ in range(s)]
        kernel = random_conv_kernel(r, size, padding, per_dim(dilation, s), max_taps)
        try:
            g.accept(r.randint(1, 2), groups * r.choice(multipliers), size, groups * r.choice(multipliers), kernel,
                     stride=stride, padding=padding, dilation=dilation, groups=groups, bias=r.random() < 0.6)
            return
        except TooBig:
            continue


def transposed_size(length, k, stride, padding, output_padding, dilation):
    return (length - 1) * stride - 2 * padding + dilation * (k - 1) + output_padding + 1


def random_transpose(g, groups, max_size, multipliers=(1, 2)):
    """A random valid call of F.conv_transpose1d / 2d with `groups` groups."""
    r, s = g.rng, g.s
    while True:
        stride = random_ints(r, s, 1, 3)
        dilation = random_ints(r, s, 1, 3) if r.random() < 0.4 else 1
        padding = random_ints(r, s, 0, 2)
        size = [r.randint(1, max_size) for _ in range(s)]
        kernel = [r.randint(1, 4) for _ in range(s)]
        # output_padding < max(stride, dilation) in every dimension; often 0.
        limits = [max(st, di) - 1 for st, di in zip(per_dim(stride, s), per_dim(dilation, s))]
        output_padding = 0
        if r.random() < 0.4:
            values = [r.randint(0, top) for top in limits]
            output_padding = values[0] if s == 1 or (values[0] <= min(limits) and r.random() < 0.3) else values
        shape = [transposed_size(*v) for v in zip(size, kernel, per_dim(stride, s), per_dim(padding, s),
                                                   per_dim(output_padding, s), per_dim(dilation, s))]
        if min(shape) < 1:
            continue
        try:
            g.accept(r.randint(1, 2), groups * r.choice(multipliers), size, groups * r.choice(multipliers), kernel,
                     stride=stride, padding=padding, output_padding=output_padding, dilation=dilation,
                     groups=groups, bias=r.random() < 0.6)
            return
        except TooBig:
            continue


def conv2d_cases():
    g = ConvNdCases("conv2d", 2, seed=3)

    # 0..109: one group. Fixed cases, then random ones, then more refusals.
    g.accept(1, 1, [1, 1], 1, [1, 1])                            # one tap on one pixel
    g.accept(1, 1, [4, 5], 1, [4, 5], bias=False)                # kernel as large as the input
    g.accept(2, 3, [3, 4], 4, [1, 1])                            # a 1x1 convolution mixes channels only
    g.accept(1, 1, [5, 6], 1, [1, 3])                            # a kernel along W only
    g.accept(1, 2, [6, 5], 2, [3, 2], stride=[2, 1])             # stride along H only
    g.accept(1, 1, [7, 7], 1, [3, 3], stride=2)                  # (7 - 3) / 2 + 1 = 3 both ways
    g.accept(1, 1, [8, 6], 1, [3, 3], stride=3)                  # the last rows and columns dropped
    g.accept(1, 1, [5, 5], 1, [3, 3], padding=1)
    g.accept(1, 2, [4, 6], 2, [3, 3], padding=[0, 2])            # padding along W only
    g.accept(1, 1, [3, 3], 1, [5, 5], padding=1)                 # kernel larger than the input, fits once padded
    g.accept(1, 2, [5, 6], 2, [3, 3], padding="same")
    g.accept(1, 1, [5, 5], 2, [2, 4], padding="same")            # even kernels: the odd row/column at the end
    g.accept(1, 1, [6, 5], 1, [2, 3], padding="same", dilation=[3, 2])
    g.accept(1, 2, [5, 4], 1, [3, 2], padding="same", dilation=2, stride=[1, 1])
    g.accept(1, 1, [4, 4], 1, [2, 2], padding="valid", stride=2)
    g.accept(1, 1, [9, 9], 1, [3, 3], dilation=[1, 3])           # dilated along W only
    g.accept(1, 1, [7, 7], 1, [3, 3], dilation=3)                # reach 7 = the input: one output
    g.accept(1, 1, [1, 1], 1, [2, 3], padding="same", dilation=3)  # 'same' with a reach far beyond the input
    g.refuse(1, 1, [3, 5], 1, [4, 3])                            # kernel taller than the input
    g.refuse(1, 1, [5, 3], 1, [3, 4])                            # kernel wider than the input
    g.refuse(1, 1, [5, 5], 1, [3, 3], dilation=[3, 1])           # reach 7 > 5 along H only
    g.refuse(1, 1, [4, 4], 1, [3, 3], padding=[0, 1], dilation=2)  # reach 5 > 4 along H, 5 <= 6 along W
    g.refuse(1, 3, [4, 4], 2, [3, 3], wc=2)                      # weight expects 2 channels, input has 3
    g.refuse(1, 2, [4, 4], 3, [2, 2], bias=2)                    # bias of 2 for 3 output channels
    g.refuse(1, 1, [5, 5], 1, [2, 2], stride=0)                  # stride 0
    g.refuse(1, 1, [5, 5], 1, [2, 2], stride=[1, 0])
    g.refuse(1, 1, [5, 5], 1, [2, 2], padding=-1)                # negative padding
    g.refuse(1, 1, [5, 5], 1, [2, 2], padding=[0, -1])
    while len(g.cases) < 102:
        random_conv(g, 1, 9, [1, 2, 3, 4])
    g.refuse(1, 1, [5, 5], 1, [2, 2], dilation=0)                # dilation 0
    g.refuse(1, 2, [5, 5], 1, [2, 2], dilation=[2, 0])
    g.refuse(1, 1, [5, 5], 1, [3, 3], padding="same", stride=2)  # 'same' with a stride
    g.refuse(1, 1, [5, 5], 1, [3, 3], padding="same", stride=[1, 2])
    g.refuse(1, 1, [5, 5], 1, [3, 3], padding="full")            # no such padding
    g.refuse(2, 2, [2, 6], 2, [3, 1], padding=[0, 1])            # kernel taller than the padded input
    g.refuse(1, 2, [4, 4], 2, [2, 2], groups=0, bias=False)      # groups 0
    g.refuse(1, 1, [6, 2], 1, [2, 5], stride=[2, 1], padding=1)  # reach 5 > 2 + 2 along W
    g.until(110)

    # 110..: groups, with everything else.
    g.accept(1, 4, [4, 4], 4, [3, 3], groups=4)                  # depthwise
    g.accept(1, 3, [5, 5], 6, [3, 3], groups=3, padding=1)       # depthwise, two filters per channel
    g.accept(2, 4, [5, 5], 8, [2, 2], groups=4, stride=2, bias=False)
    g.accept(1, 4, [6, 6], 6, [3, 3], groups=2, padding="same", dilation=2)
    g.accept(1, 6, [4, 5], 6, [2, 3], groups=3, stride=[2, 1], padding=[1, 0])
    g.accept(1, 2, [5, 5], 4, [3, 2], groups=2, padding="same")  # even kernel along W
    g.accept(1, 3, [6, 4], 3, [3, 3], groups=3, padding="same", dilation=[2, 1])
    g.accept(2, 6, [3, 3], 2, [1, 1], groups=2)                  # a grouped 1x1: three channels into one, twice
    g.refuse(1, 3, [4, 4], 2, [2, 2], wc=1, groups=2)            # 3 input channels in 2 groups
    g.refuse(1, 4, [4, 4], 3, [2, 2], wc=2, groups=2)            # 3 output channels in 2 groups
    g.refuse(1, 4, [4, 4], 2, [2, 2], wc=4, groups=2)            # weight holds all channels, not C/groups
    g.refuse(1, 4, [4, 4], 3, [2, 2], groups=3)                  # 4 input channels in 3 groups
    g.refuse(1, 4, [4, 4], 4, [2, 2], groups=4, bias=2)          # bias of 2 for 4 output channels
    g.refuse(1, 4, [4, 4], 4, [2, 2], wc=4, groups=0)            # groups 0
    g.refuse(1, 6, [3, 4], 6, [2, 5], groups=3)                  # kernel wider than the input
    g.refuse(1, 4, [5, 3], 4, [3, 3], groups=2, dilation=[1, 2])  # reach 5 > 3 along W
    while len(g.cases) < 212:
        groups = g.rng.choice([2, 2, 3, 3, 4])
        random_conv(g, groups, 9, [1, 2] if groups < 4 else [1])
    g.refuse(1, 4, [4, 4], 4, [3, 3], groups=4, padding="same", stride=[2, 1])
    g.refuse(1, 2, [4, 4], 2, [3, 3], groups=2, padding="half")
    g.refuse(1, 4, [4, 4], 4, [2, 2], groups=2, stride=[0, 1])
    g.refuse(1, 4, [4, 4], 4, [2, 2], groups=2, padding=[-1, 0])
    g.refuse(1, 4, [4, 4], 4, [2, 2], groups=4, dilation=[0, 1])
    g.refuse(1, 6, [4, 4], 4, [2, 2], wc=2, groups=3)            # 4 output channels in 3 groups
    g.refuse(2, 4, [3, 6], 8, [4, 2], groups=4, padding=0)       # kernel taller than the input, depthwise
    g.refuse(1, 2, [4, 4], 4, [2, 2], wc=1, groups=2, bias=8)    # bias of 8 for 4 output channels
    g.until(220)
    while len(g.cases) < 224:
        random_conv(g, g.rng.choice([2, 3]), 9, [1, 2])
    return g.cases


def conv3d_cases():
    g = ConvNdCases("conv3d", 3, seed=4)
    g.accept(1, 1, [1, 1, 1], 1, [1, 1, 1])                      # one tap on one voxel
    g.accept(1, 1, [3, 3, 3], 1, [3, 3, 3], bias=False)          # kernel as large as the input
    g.accept(1, 2, [4, 3, 5], 2, [2, 1, 3])
    g.accept(1, 1, [5, 5, 5], 1, [3, 3, 3], stride=[2, 1, 2])
    g.accept(1, 1, [4, 4, 4], 1, [3, 2, 3], padding="same")      # even kernel along H
    g.accept(1, 2, [3, 4, 4], 2, [2, 2, 2], padding="same", dilation=[1, 2, 1])
    g.accept(1, 1, [3, 4, 5], 1, [3, 3, 3], padding=[1, 0, 2])
    g.accept(1, 1, [5, 5, 5], 1, [2, 2, 2], dilation=[1, 2, 3])
    g.accept(1, 2, [4, 4, 4], 2, [2, 2, 2], groups=2)            # depthwise
    g.accept(1, 2, [3, 3, 3], 4, [2, 2, 2], groups=2, padding=1, stride=2)  # depthwise, two filters per channel
    g.accept(1, 1, [4, 4, 4], 1, [2, 2, 2], padding="valid", stride=[1, 2, 3])
    g.refuse(1, 1, [3, 5, 5], 1, [4, 3, 3])                      # kernel deeper than the input
    g.refuse(1, 1, [5, 5, 3], 1, [2, 2, 4])                      # kernel wider than the input
    g.refuse(1, 3, [3, 3, 3], 2, [2, 2, 2], wc=2)                # weight expects 2 channels, input has 3
    g.refuse(1, 2, [3, 3, 3], 3, [2, 2, 2], bias=2)              # bias of 2 for 3 output channels
    g.refuse(1, 1, [3, 3, 3], 1, [2, 2, 2], stride=[1, 1, 0])    # stride 0
    while len(g.cases) < 58:
        random_conv(g, g.rng.choice([1, 1, 2]), 6, [1, 2], max_taps=3)
    g.refuse(1, 1, [3, 3, 3], 1, [2, 2, 2], padding=[0, 0, -1])  # negative padding
    g.refuse(1, 1, [4, 4, 4], 1, [2, 2, 2], dilation=[1, 0, 1])  # dilation 0
    g.refuse(1, 2, [3, 3, 3], 2, [2, 2, 2], groups=0, wc=2)      # groups 0
    g.refuse(1, 1, [4, 4, 4], 1, [3, 3, 3], padding="same", stride=[1, 2, 1])
    g.refuse(1, 3, [3, 3, 3], 2, [2, 2, 2], wc=1, groups=2)      # 3 input channels in 2 groups
    g.refuse(1, 1, [3, 3, 3], 1, [2, 2, 2], padding="full")      # no such padding
    while len(g.cases) < 66:
        random_conv(g, g.rng.choice([1, 2]), 6, [1, 2], max_taps=3)
    return g.cases


def conv_transpose1d_cases():
    g = ConvNdCases("conv_transpose1d", 1, seed=5, transposed=True)
    g.accept(1, 1, 1, 1, 1)                                      # one tap on one element
    g.accept(1, 1, 3, 1, 2)                                      # L + K - 1 = 4: the "full" correlation
    g.accept(1, 1, 3, 1, 3, stride=2)                            # (3 - 1) * 2 + 3 = 7: windows overlap
    g.accept(1, 1, 3, 1, 2, stride=3)                            # 2 * 3 + 2 = 8: a gap of bias alone
    g.accept(1, 2, 4, 3, 3, padding=1)                           # one element cropped at each end
    g.accept(1, 1, 4, 1, 3, stride=2, output_padding=1)          # one more element at the end
    g.accept(1, 1, 4, 1, 2, stride=2, padding=1, output_padding=1)
    g.accept(1, 1, 3, 1, 2, dilation=2, output_padding=1)        # output_padding < dilation, at stride 1
    g.accept(1, 1, 3, 1, 3, stride=3, output_padding=2)          # output_padding = stride - 1
    g.accept(1, 1, 2, 1, 2, padding=1)                           # (2-1) - 2 + 1 + 1 = 1: the smallest output
    g.accept(1, 2, 4, 2, 2, groups=2)                            # depthwise
    g.accept(1, 3, 3, 6, 2, groups=3, stride=2)                  # depthwise, two outputs per channel
    g.accept(2, 4, 3, 2, 3, groups=2, padding=2, dilation=3, bias=False)
    g.refuse(1, 1, 4, 1, 3, output_padding=1)                    # output_padding 1 at stride 1, dilation 1
    g.refuse(1, 1, 4, 1, 3, stride=2, output_padding=2)          # output_padding = stride
    g.refuse(1, 2, 3, 2, 2, stride=3, dilation=2, output_padding=3)
    g.refuse(1, 1, 4, 1, 3, padding=-1)                          # negative padding
    g.refuse(1, 1, 4, 1, 3, output_padding=-1)                   # negative output_padding
    g.refuse(1, 4, 4, 2, 3, wc=3)                                # weight expects 3 input channels, input has 4
    g.refuse(1, 4, 4, 3, 3, groups=3)                            # 4 input channels in 3 groups
    g.refuse(1, 2, 4, 3, 2, bias=2)                              # bias of 2 for 3 output channels
    while len(g.cases) < 112:
        random_transpose(g, g.rng.choice([1, 1, 2, 3]), 7)
    g.refuse(1, 2, 4, 2, 2, groups=2, bias=4)                    # bias of 4 for 2 output channels
    g.refuse(1, 1, 4, 1, 2, stride=0)                            # stride 0
    g.refuse(1, 1, 4, 1, 2, dilation=0)                          # dilation 0
    g.refuse(1, 1, 1, 1, 2, padding=1)                           # (1-1) - 2 + 1 + 1 = 0 elements
    g.refuse(1, 2, 2, 1, 1, padding=2, stride=2)                 # 2 - 4 + 0 + 1 = -1
    g.refuse(1, 2, 4, 2, 2, groups=0)                            # groups 0
    g.refuse(2, 3, 4, 3, 3, wc=2, groups=1, stride=2)            # weight expects 2 input channels, input has 3
    g.refuse(1, 1, 4, 1, 2, stride=2, dilation=3, output_padding=3)  # output_padding = max(stride, dilation)
    g.refuse(1, 1, 3, 1, 2, stride=2, dilation=2, output_padding=2)
    g.refuse(1, 3, 4, 2, 2, groups=2)                            # 3 input channels in 2 groups
    g.refuse(1, 1, 3, 1, 1, padding=2)                           # 2 - 4 + 0 + 1 = -1
    while len(g.cases) < 129:
        random_transpose(g, g.rng.choice([1, 2, 3]), 7)
    return g.cases


def conv_transpose2d_cases():
    g = ConvNdCases("conv_transpose2d", 2, seed=6, transposed=True)
    g.accept(1, 1, [1, 1], 1, [1, 1])                            # one tap on one pixel
    g.accept(1, 1, [2, 3], 1, [2, 2])                            # [3, 4]: every window overlaps
    g.accept(1, 1, [2, 2], 1, [2, 2], stride=2)                  # [4, 4]: the kernel tiled, no overlap
    g.accept(1, 2, [3, 2], 2, [3, 2], stride=[2, 3])             # a gap of bias alone along W
    g.accept(1, 1, [3, 3], 1, [3, 3], padding=[1, 0])            # cropped along H only
    g.accept(1, 1, [3, 3], 1, [2, 2], stride=[1, 2], output_padding=[0, 1])
    g.accept(1, 1, [3, 3], 1, [2, 2], dilation=[2, 1], output_padding=[1, 0])  # output_padding < dilation
    g.accept(1, 1, [2, 3], 1, [3, 2], stride=3, output_padding=2, padding=1)
    g.accept(1, 1, [2, 2], 1, [2, 2], padding=1)                 # [1, 1]: the smallest output
    g.accept(1, 2, [3, 3], 2, [2, 2], groups=2)                  # depthwise
    g.accept(1, 3, [3, 3], 6, [2, 2], groups=3, stride=[2, 1])   # depthwise, two outputs per channel
    g.accept(2, 4, [3, 2], 2, [2, 3], groups=2, padding=[0, 2], dilation=[1, 3], bias=False)
    g.refuse(1, 1, [3, 3], 1, [2, 2], stride=[1, 2], output_padding=[1, 0])  # 1 at stride 1 along H
    g.refuse(1, 1, [3, 3], 1, [2, 2], stride=2, output_padding=[0, 2])       # output_padding = stride along W
    g.refuse(1, 1, [3, 3], 1, [2, 2], padding=[0, -1])           # negative padding
    g.refuse(1, 4, [3, 3], 2, [2, 2], wc=3)                      # weight expects 3 input channels, input has 4
    g.refuse(1, 4, [3, 3], 3, [2, 2], groups=3)                  # 4 input channels in 3 groups
    g.refuse(1, 2, [3, 3], 3, [2, 2], bias=2)                    # bias of 2 for 3 output channels
    g.refuse(1, 1, [3, 3], 1, [2, 2], stride=[2, 0])             # stride 0
    g.refuse(1, 1, [3, 3], 1, [2, 2], dilation=[0, 1])           # dilation 0
    while len(g.cases) < 112:
        random_transpose(g, g.rng.choice([1, 1, 2, 3]), 5)
    g.refuse(1, 1, [1, 3], 1, [2, 2], padding=[1, 0])            # [0, 4]: no rows
    g.refuse(1, 1, [3, 2], 1, [1, 1], padding=[0, 2], stride=2)  # [5, -1]
    g.refuse(1, 2, [3, 3], 2, [2, 2], groups=0)                  # groups 0
    g.refuse(1, 2, [3, 3], 4, [2, 2], groups=2, bias=2)          # bias of 2 for 4 output channels
    g.refuse(1, 1, [3, 3], 1, [2, 2], output_padding=[0, -1])    # negative output_padding
    g.refuse(1, 1, [3, 3], 1, [2, 2], stride=[1, 2], dilation=[2, 3], output_padding=[2, 1])
    g.refuse(1, 3, [3, 3], 3, [2, 2], groups=2, wc=3)            # 3 input channels in 2 groups
    g.refuse(1, 1, [3, 3], 1, [2, 2], padding=-1, stride=2)
    g.refuse(1, 2, [2, 2], 2, [2, 2], stride=0)                  # stride 0
    g.refuse(1, 2, [3, 3], 2, [2, 2], groups=2, dilation=0)      # dilation 0
    g.refuse(1, 2, [3, 2], 4, [2, 1], groups=2, padding=[0, 1])  # [4, 0]: no columns
    while len(g.cases) < 129:
        random_transpose(g, g.rng.choice([1, 2, 3]), 5)
    return g.cases


if __name__ == "__main__":
    torch.manual_seed(0)  # nn.Conv1d initialises a weight before the case's own is put in
    write("conv1d", conv1d_cases())
    write("pad1d", pad1d_cases())
    write("conv2d", conv2d_cases())
    write("conv3d", conv3d_cases())
    write("conv_transpose1d", conv_transpose1d_cases())
    write("conv_transpose2d", conv_transpose2d_cases())
