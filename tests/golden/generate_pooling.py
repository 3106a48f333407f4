#!/usr/bin/python3
"""PyTorch golden data for pooling: the oracle tests (tests/oracle_pooling.cpp)
and chapter 09's tests (tests/ch09_pooling.cpp).

Writes, next to this script:

  max_pool1d.json            F.max_pool1d(input, kernel_size, stride, padding, dilation, ceil_mode,
                             return_indices=True)
  max_pool2d.json            F.max_pool2d, the same arguments
  avg_pool1d.json            F.avg_pool1d(input, kernel_size, stride, padding, ceil_mode, count_include_pad)
  avg_pool2d.json            F.avg_pool2d(..., count_include_pad, divisor_override)
  adaptive_avg_pool2d.json   F.adaptive_avg_pool2d(input, output_size)

Each file is {"op", "torch", "generator", "cases": [...]}, one case per line,
as tests/golden/generate.py writes them. A case holds the keyword arguments of
the call (the same keys as `kata try --json`) and either PyTorch's "output" or,
when PyTorch refuses the call, "error": the first line of its message. Every
keyword is written, defaults included; "stride": null is PyTorch's default
(the kernel size), "divisor_override": null divides by the count. In 2-D,
kernel_size, stride, padding, dilation and output_size are an int (the same
along H and W) or a list [H, W]. A max pooling case also holds "indices", the
argmax of every output as return_indices gives it: the position along L in
1-D, h*W + w in each [H, W] plane in 2-D; {"shape", "data"} with integer data.
Tensors are {"shape": [...], "data": [row-major values]}; inputs are float32,
uniform in [-1, 1) unless a case says otherwise (all negative, to show that
max pooling pads with minus infinity; or few distinct values, to make ties),
written with 9 significant digits so that they read back as the same float32.

What the cases cover: the stride defaulting to the kernel; padding up to half
the kernel, and refused beyond it (PyTorch 1.13 compares the padding with the
kernel size, not with the dilated reach); dilation; ceil_mode, including a
last window that only ceil_mode keeps, a window that would start in the right
padding (dropped), and a kernel longer than the input that ceil_mode accepts;
average divisors with and without count_include_pad and with
divisor_override, including windows that reach past the padding in ceil mode
(the part past the padding never counts); ties (the first maximum wins);
an empty batch; adaptive bins that overlap (out < in), repeat (out > in) or
are empty (output size 0, which PyTorch accepts). Refusals: kernel, stride or
dilation below 1, negative padding, padding over half the kernel, output size
below 1, an input with no channels or no elements along L / H / W,
divisor_override 0, a negative adaptive output size.

Two kinds of call are left out on purpose:
  - max pooling windows with no tap inside the input (possible only with
    ceil_mode and a dilation that steps over the whole input): PyTorch returns
    minus infinity and an index outside the input there;
  - F.max_pool1d without return_indices on a CPU tensor that needs no gradient
    returns an empty tensor where the output size is 0; with return_indices,
    with a gradient, or on a GPU it refuses, as avg_pool1d and max_pool2d do.
    The workbook refuses, and the data here is return_indices' (the script
    checks that both forms agree wherever both give an output).

Every PyTorch answer is checked against the rules written out in plain Python
(windows, the ceil_mode rule, minus-infinity padding, the first maximum, the
divisor, the adaptive bin edges); any disagreement stops the script.

The data is committed; regenerate it only when adding cases:

    apt-get install python3-torch          # Debian's torch, for /usr/bin/python3
    /usr/bin/python3 tests/golden/generate_pooling.py

The output depends only on the seeds below (and the torch version, recorded in
each file): running it twice writes identical files.
"""

import math
import random

import torch
import torch.nn.functional as F

import golden_json
from golden_json import first_line, indices_json, per_dim, random_ints, tensor_json
from golden_json import write as write_file

GENERATOR = "tests/golden/generate_pooling.py"
LIMIT = 200  # elements per tensor


# --- values --------------------------------------------------------------------

class Data(golden_json.Data):
    """Float32 tensors from one seeded generator, in three kinds."""

    def values(self, shape, kind):
        u = torch.rand(*shape, generator=self.gen, dtype=torch.float32)
        if kind == "negative":
            return -1 - u                      # [-2, -1): every element below zero
        if kind == "ties":
            return torch.floor(u * 4) / 2 - 1  # -1, -0.5, 0, 0.5: many equal maxima
        return u * 2 - 1                       # [-1, 1)


def write(op, cases):
    write_file(op, cases, GENERATOR)


# --- the rules, written out --------------------------------------------------

def output_size(n, k, stride, padding, dilation, ceil_mode):
    """PyTorch's pooling output size (Python's // floors, like PyTorch's div_rtn)."""
    out = (n + 2 * padding - dilation * (k - 1) - 1 + (stride - 1 if ceil_mode else 0)) // stride + 1
    if ceil_mode and (out - 1) * stride >= n + padding:
        out -= 1  # that window would start in the right padding
    return out


class Axis:
    """The windows of one spatial dimension: window o starts at o*stride - padding."""

    def __init__(self, n, k, stride, padding, dilation, ceil_mode):
        self.n, self.k, self.stride, self.padding, self.dilation = n, k, stride, padding, dilation
        self.out = output_size(n, k, stride, padding, dilation, ceil_mode)

    def start(self, o):
        return o * self.stride - self.padding

    def taps_inside(self, o):
        """Input positions the taps of window o land on, in order."""
        taps = (self.start(o) + j * self.dilation for j in range(self.k))
        return [t for t in taps if 0 <= t < self.n]

    def with_padding(self, o):
        """Taps of window o inside the input or its padding (avg's count_include_pad;
        avg has no dilation): the part past the padding is not counted."""
        return min(self.start(o) + self.k, self.n + self.padding) - self.start(o)


def axes(x, s, args):
    stride = args["stride"] if args["stride"] is not None else args["kernel_size"]
    return [Axis(x.shape[2 + d], per_dim(args["kernel_size"], s)[d], per_dim(stride, s)[d],
                 per_dim(args["padding"], s)[d], per_dim(args.get("dilation", 1), s)[d], args["ceil_mode"])
            for d in range(s)]


def planes(x, s):
    """x as [N*C, H, W] lists of floats (H = 1 in 1-D)."""
    p = x.reshape(-1, 1, x.shape[-1]) if s == 1 else x.reshape(-1, x.shape[-2], x.shape[-1])
    return p.tolist()


def positions(ax):
    """Every output position with its taps inside the input: ((oh, ow), [(h, w), ...])."""
    if len(ax) == 1:
        ax = [Axis(1, 1, 1, 0, 1, False)] + ax
    for oh in range(ax[0].out):
        for ow in range(ax[1].out):
            yield (oh, ow), [(h, w) for h in ax[0].taps_inside(oh) for w in ax[1].taps_inside(ow)], ax


def every_window_sees_the_input(x, s, args):
    return all(taps for _, taps, _ in positions(axes(x, s, args)))


def check_max(x, s, args, values, indices):
    """Minus-infinity padding, the first maximum in the window, indices into the plane."""
    width = x.shape[-1]
    v, i = values.reshape(len(planes(x, s)), -1).tolist(), indices.reshape(len(planes(x, s)), -1).tolist()
    for p, plane in enumerate(planes(x, s)):
        for (oh, ow), taps, ax in positions(axes(x, s, args)):
            best = max(plane[h][w] for h, w in taps)
            first = next((h, w) for h, w in taps if plane[h][w] == best)
            flat = oh * ax[1].out + ow
            assert v[p][flat] == best, f"max: {v[p][flat]} != {best}"
            assert i[p][flat] == first[0] * width + first[1], "max: not the first maximum's index"


def check_avg(x, s, args, output):
    """The sum of the taps inside the input over the divisor."""
    out = output.reshape(len(planes(x, s)), -1).tolist()
    for p, plane in enumerate(planes(x, s)):
        for (oh, ow), taps, ax in positions(axes(x, s, args)):
            total = sum(plane[h][w] for h, w in taps)
            if args.get("divisor_override") is not None:
                divisor = args["divisor_override"]
            elif args["count_include_pad"]:
                divisor = ax[0].with_padding(oh) * ax[1].with_padding(ow)
            else:
                divisor = len(taps)
            got = out[p][oh * ax[1].out + ow]
            assert math.isclose(got, total / divisor, rel_tol=1e-5, abs_tol=1e-6), f"avg: {got} != {total}/{divisor}"


def check_adaptive(x, output_size_arg, output):
    """Bin i of n inputs into `out` outputs: [floor(i*n/out), ceil((i+1)*n/out))."""
    oh, ow = per_dim(output_size_arg, 2)
    h, w = x.shape[-2:]
    bins = lambda n, out: [(i * n // out, -(-(i + 1) * n // out)) for i in range(out)]
    out = output.reshape(-1, oh * ow).tolist()
    for p, plane in enumerate(planes(x, 2)):
        for a, (h0, h1) in enumerate(bins(h, oh)):
            for b, (w0, w1) in enumerate(bins(w, ow)):
                cells = [plane[r][c] for r in range(h0, h1) for c in range(w0, w1)]
                got = out[p][a * ow + b]
                assert math.isclose(got, sum(cells) / len(cells), rel_tol=1e-5, abs_tol=1e-6), "adaptive bins"


# --- cases -------------------------------------------------------------------

OPS = {
    # op: (spatial dimensions, keyword arguments after the input, in F.<op>'s order)
    "max_pool1d": (1, ["kernel_size", "stride", "padding", "dilation", "ceil_mode"]),
    "max_pool2d": (2, ["kernel_size", "stride", "padding", "dilation", "ceil_mode"]),
    "avg_pool1d": (1, ["kernel_size", "stride", "padding", "ceil_mode", "count_include_pad"]),
    "avg_pool2d": (2, ["kernel_size", "stride", "padding", "ceil_mode", "count_include_pad", "divisor_override"]),
    "adaptive_avg_pool2d": (2, ["output_size"]),
}
DEFAULTS = {"stride": None, "padding": 0, "dilation": 1, "ceil_mode": False, "count_include_pad": True,
            "divisor_override": None}


class Skip(Exception):
    """A random call that is too big, or a max pooling window with nothing inside the input."""


class PoolCases:
    def __init__(self, op, seed):
        self.op = op
        self.s, self.keys = OPS[op]
        self.function = getattr(F, op)
        self.rng = random.Random(seed)
        self.data = Data(seed)
        self.cases = []

    def add(self, shape, kind="uniform", **args):
        """One case: an input of `shape`, `kind` values, the keyword arguments
        `args` (PyTorch's defaults where left out)."""
        assert set(args) <= set(self.keys), f"{self.op} takes no {set(args) - set(self.keys)}"
        args = {key: args[key] if key in args else DEFAULTS[key] for key in self.keys}
        x = self.data.values(shape, kind)
        is_max = self.op.startswith("max")
        try:
            if is_max:
                result, indices = self.function(x, *args.values(), return_indices=True)
            else:
                result = self.function(x, *args.values())
            kind_of_answer = "output"
        except RuntimeError as e:
            result, kind_of_answer = first_line(e), "error"
        if kind_of_answer == "output" and result.numel() > 0:
            if max(x.numel(), result.numel()) > LIMIT:
                raise Skip(f"{self.op} case {len(self.cases)}: keep tensors within {LIMIT} elements")
            if is_max:
                if not every_window_sees_the_input(x, self.s, args):
                    raise Skip(f"{self.op} case {len(self.cases)}: a window with nothing inside the input")
                check_max(x, self.s, args, result, indices)
                plain = self.function(x, *args.values())  # without return_indices
                assert torch.equal(plain, result), f"{self.op}: with and without return_indices disagree"
            elif self.op == "adaptive_avg_pool2d":
                check_adaptive(x, args["output_size"], result)
            else:
                check_avg(x, self.s, args, result)
        case = {"id": len(self.cases), "input": tensor_json(x)}
        case.update(args)
        if kind_of_answer == "output":
            case["output"] = tensor_json(result)
            if is_max:
                case["indices"] = indices_json(indices)
        else:
            case["error"] = result
        self.cases.append(case)
        return case

    def refuse(self, *args, **kwargs):
        case = self.add(*args, **kwargs)
        assert "error" in case, f"{self.op} case {case['id']} was meant to be refused"

    def accept(self, *args, **kwargs):
        case = self.add(*args, **kwargs)
        assert "output" in case, f"{self.op} case {case['id']} was meant to work: {case.get('error')}"
        return case

    def until(self, end):
        assert len(self.cases) == end, f"{self.op}: {len(self.cases)} cases where the block should end at {end}"

    def random_accept(self, make):
        """Draw calls with make(rng) -> (shape, kind, args) until one is accepted."""
        while True:
            shape, kind, args = make(self.rng)
            try:
                case = self.add(shape, kind, **args)
            except Skip:
                continue
            if "output" in case:
                return
            self.cases.pop()





def random_pool_args(r, s, max_kernel, dilation):
    """kernel, stride (often the default), padding at most half the kernel,
    sometimes dilation, sometimes ceil_mode."""
    kernel = random_ints(r, s, 1, max_kernel)
    args = {"kernel_size": kernel, "stride": None if r.random() < 0.35 else random_ints(r, s, 1, 3),
            "padding": 0, "ceil_mode": r.random() < 0.4}
    if r.random() < 0.6:
        halves = [k // 2 for k in per_dim(kernel, s)]
        pads = [r.randint(0, h) for h in halves]
        args["padding"] = pads[0] if s == 1 or len(set(pads)) == 1 and r.random() < 0.5 else pads
    if dilation and r.random() < 0.35:
        args["dilation"] = random_ints(r, s, 1, 3)
    return args


def random_shape(r, s, max_size):
    return [r.randint(1, 2), r.randint(1, 3)] + [r.randint(1, max_size) for _ in range(s)]


def random_kind(r):
    return r.choice(["uniform", "uniform", "uniform", "negative", "ties"])


def max_pool1d_cases():
    g = PoolCases("max_pool1d", seed=11)
    # 0..: by hand, then the ceil_mode edges.
    g.accept([1, 1, 6], kernel_size=2)                             # stride defaults to 2: three windows
    g.accept([1, 1, 5], kernel_size=2, stride=1)                   # overlapping windows
    g.accept([1, 1, 5], "negative", kernel_size=3, stride=2, padding=1)  # -inf padding: never a 0 at the border
    g.accept([2, 2, 7], "negative", kernel_size=3, padding=1)
    g.accept([1, 1, 7], kernel_size=2, dilation=3)                 # taps 3 apart
    g.accept([1, 1, 6], "negative", kernel_size=3, stride=2, padding=1, dilation=2)
    g.accept([1, 1, 5], kernel_size=1)                             # one tap: the input itself
    g.accept([1, 2, 5], kernel_size=5)                             # the whole row: the global max
    g.accept([1, 1, 6], "ties", kernel_size=3, stride=1, padding=1)  # equal maxima: the first one's index
    g.accept([1, 1, 5], kernel_size=2, stride=2, ceil_mode=True)   # a last window of one element
    g.accept([1, 1, 5], kernel_size=2, stride=2, padding=1, ceil_mode=True)  # a 4th window would start in the padding
    g.accept([1, 1, 4], kernel_size=2, stride=2, padding=1, ceil_mode=True)  # ... here the last starts at x[3]: kept
    g.accept([1, 1, 3], kernel_size=4, stride=2, ceil_mode=True)   # longer than the input, kept by ceil_mode
    g.accept([1, 1, 7], "negative", kernel_size=3, stride=3, padding=1, ceil_mode=True)
    g.accept([1, 1, 8], kernel_size=3, stride=2, dilation=2, ceil_mode=True)
    g.accept([0, 2, 5], kernel_size=2)                             # an empty batch
    g.until(16)
    while len(g.cases) < 100:
        g.random_accept(lambda r: (random_shape(r, 1, 12), random_kind(r), random_pool_args(r, 1, 5, True)))
    g.refuse([1, 1, 5], kernel_size=3, padding=2)                  # padding over half the kernel
    g.refuse([1, 1, 5], kernel_size=2, padding=2, dilation=3)      # ... the kernel, not the dilated reach (4)
    g.refuse([1, 1, 3], kernel_size=4)                             # output size 0
    g.refuse([1, 1, 3], kernel_size=2, dilation=3)                 # reach 4 > 3
    g.refuse([1, 1, 2], kernel_size=4, stride=3)                   # (2 - 4) / 3 floors to -1: no window
    g.refuse([1, 1, 5], kernel_size=0, stride=1)
    g.refuse([1, 1, 5], kernel_size=2, stride=0)
    g.refuse([1, 1, 5], kernel_size=2, stride=-1)
    g.refuse([1, 1, 5], kernel_size=2, dilation=0)
    g.refuse([1, 1, 5], kernel_size=2, padding=-1)
    g.refuse([1, 0, 5], kernel_size=2)                             # no channels
    g.refuse([1, 1, 0], kernel_size=1)                             # nothing along L
    g.refuse([1, 1, 2], kernel_size=4, stride=1, ceil_mode=True)   # at stride 1 ceil_mode rounds nothing up
    return g.cases


def max_pool2d_cases():
    g = PoolCases("max_pool2d", seed=12)
    g.accept([1, 1, 4, 4], kernel_size=2)                          # stride defaults to (2, 2)
    g.accept([1, 1, 4, 6], kernel_size=[2, 3])                     # stride defaults to (2, 3)
    g.accept([1, 2, 5, 5], "negative", kernel_size=3, stride=2, padding=1)
    g.accept([1, 1, 4, 5], "negative", kernel_size=[1, 3], stride=1, padding=[0, 1])
    g.accept([1, 1, 7, 7], kernel_size=2, stride=1, dilation=[3, 2])
    g.accept([1, 1, 4, 4], "ties", kernel_size=2, stride=1, padding=1)
    g.accept([1, 1, 3, 3], kernel_size=3)                          # the whole plane
    g.accept([1, 1, 5, 5], kernel_size=2, stride=2, padding=1, ceil_mode=True)  # 3x3, not 4x4
    g.accept([1, 1, 5, 4], "negative", kernel_size=2, stride=2, padding=1, ceil_mode=True)
    g.accept([1, 1, 3, 3], kernel_size=[4, 2], stride=2, ceil_mode=True)  # taller than the input
    g.accept([1, 1, 5, 6], kernel_size=[2, 3], stride=[2, 2], ceil_mode=True)
    g.accept([0, 1, 4, 4], kernel_size=2)                          # an empty batch
    g.until(12)
    while len(g.cases) < 100:
        g.random_accept(lambda r: (random_shape(r, 2, 8), random_kind(r), random_pool_args(r, 2, 4, True)))
    g.refuse([1, 1, 5, 5], kernel_size=3, padding=[2, 0])          # over half along H
    g.refuse([1, 1, 5, 5], kernel_size=[3, 2], padding=[1, 2], dilation=[1, 3])  # over half along W
    g.refuse([1, 1, 3, 4], kernel_size=[2, 5])                     # too small along W
    g.refuse([1, 1, 3, 4], kernel_size=[4, 2])                     # too small along H
    g.refuse([1, 1, 2, 5], kernel_size=[4, 1], stride=3)           # (2 - 4) / 3 floors to -1
    g.refuse([1, 1, 4, 4], kernel_size=[0, 2], stride=1)
    g.refuse([1, 1, 4, 4], kernel_size=2, stride=[1, 0])
    g.refuse([1, 1, 4, 4], kernel_size=2, stride=[-1, 1])
    g.refuse([1, 1, 4, 4], kernel_size=2, dilation=[0, 1])
    g.refuse([1, 1, 4, 4], kernel_size=2, padding=[0, -1])
    g.refuse([1, 0, 4, 4], kernel_size=2)                          # no channels
    g.refuse([1, 1, 4, 0], kernel_size=1)                          # no columns
    return g.cases


def avg_pool1d_cases():
    g = PoolCases("avg_pool1d", seed=13)
    g.accept([1, 1, 6], kernel_size=2)                             # stride defaults to 2
    g.accept([1, 1, 5], kernel_size=3, stride=1)
    g.accept([1, 1, 5], kernel_size=3, padding=1, stride=1)        # border: (0 + x0 + x1) / 3
    g.accept([1, 1, 5], kernel_size=3, padding=1, stride=1, count_include_pad=False)  # (x0 + x1) / 2
    g.accept([1, 1, 4], kernel_size=3, stride=2, padding=1, ceil_mode=True)  # last: (x3 + 0) / 2, past the padding
    g.accept([1, 1, 4], kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)
    g.accept([1, 1, 5], kernel_size=2, stride=2, ceil_mode=True)   # last window: x4 / 1
    g.accept([1, 1, 5], kernel_size=2, stride=2, padding=1, ceil_mode=True)  # no window starting in the padding
    g.accept([1, 1, 3], kernel_size=4, stride=2, ceil_mode=True)   # one window over 3 elements: / 3
    g.accept([1, 1, 3], kernel_size=6, stride=4, padding=3, ceil_mode=True)  # / 6, then / 5
    g.accept([2, 3, 4], kernel_size=4)                             # the mean of every row
    g.accept([0, 1, 4], kernel_size=2)                             # an empty batch
    g.until(12)
    while len(g.cases) < 100:
        def make(r):
            args = random_pool_args(r, 1, 5, False)
            args["count_include_pad"] = r.random() < 0.5
            return random_shape(r, 1, 12), random_kind(r), args
        g.random_accept(make)
    g.refuse([1, 1, 5], kernel_size=3, padding=2)
    g.refuse([1, 1, 5], kernel_size=1, padding=1)
    g.refuse([1, 1, 3], kernel_size=4)
    g.refuse([1, 1, 2], kernel_size=4, stride=3)                   # (2 - 4) / 3 floors to -1
    g.refuse([1, 1, 5], kernel_size=0, stride=1)
    g.refuse([1, 1, 5], kernel_size=2, stride=0)
    g.refuse([1, 1, 5], kernel_size=2, padding=-1)
    g.refuse([1, 0, 5], kernel_size=2)
    g.refuse([1, 1, 0], kernel_size=1)
    return g.cases


def avg_pool2d_cases():
    g = PoolCases("avg_pool2d", seed=14)
    g.accept([1, 1, 4, 4], kernel_size=2)
    g.accept([1, 1, 4, 6], kernel_size=[2, 3])
    g.accept([1, 1, 4, 4], kernel_size=3, stride=1, padding=1)     # corner: 4 elements and 5 zeros, / 9
    g.accept([1, 1, 4, 4], kernel_size=3, stride=1, padding=1, count_include_pad=False)  # corner: / 4
    g.accept([1, 1, 4, 4], kernel_size=3, stride=2, padding=1, ceil_mode=True)
    g.accept([1, 1, 4, 4], kernel_size=3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)
    g.accept([1, 1, 4, 4], kernel_size=3, stride=2, padding=1, ceil_mode=True, divisor_override=2)
    g.accept([1, 2, 4, 4], kernel_size=2, divisor_override=1)      # the plain sum
    g.accept([1, 1, 4, 5], kernel_size=[3, 2], padding=[1, 0], divisor_override=7)
    g.accept([1, 1, 4, 4], kernel_size=2, divisor_override=-3)     # PyTorch refuses only 0
    g.accept([1, 1, 5, 5], kernel_size=2, stride=2, padding=1, ceil_mode=True)  # 3x3, not 4x4
    g.accept([0, 1, 4, 4], kernel_size=2)
    g.until(12)
    while len(g.cases) < 100:
        def make(r):
            args = random_pool_args(r, 2, 4, False)
            args["count_include_pad"] = r.random() < 0.5
            if r.random() < 0.2:
                args["divisor_override"] = r.randint(1, 9)
            return random_shape(r, 2, 8), random_kind(r), args
        g.random_accept(make)
    g.refuse([1, 1, 4, 4], kernel_size=2, divisor_override=0)
    g.refuse([1, 1, 5, 5], kernel_size=[3, 1], padding=[1, 1])     # over half along W
    g.refuse([1, 1, 5, 5], kernel_size=3, padding=[2, 1])          # over half along H
    g.refuse([1, 1, 3, 4], kernel_size=[2, 5])
    g.refuse([1, 1, 3, 4], kernel_size=[4, 2])
    g.refuse([1, 1, 4, 4], kernel_size=[2, 0], stride=1)
    g.refuse([1, 1, 4, 4], kernel_size=2, stride=[0, 1])
    g.refuse([1, 1, 4, 4], kernel_size=2, padding=[-1, 0])
    g.refuse([1, 0, 4, 4], kernel_size=2)
    g.refuse([1, 1, 0, 4], kernel_size=1)
    return g.cases


def adaptive_avg_pool2d_cases():
    g = PoolCases("adaptive_avg_pool2d", seed=15)
    g.accept([1, 1, 4, 6], output_size=[2, 3])                     # bins of 2: plain 2x2 average pooling
    g.accept([1, 1, 5, 5], output_size=3)                          # bins [0,2) [1,4) [3,5): they overlap
    g.accept([1, 1, 3, 3], output_size=5)                          # more outputs than inputs: bins repeat
    g.accept([1, 2, 4, 5], output_size=[4, 5])                     # the same size: the identity
    g.accept([2, 3, 3, 4], output_size=1)                          # the global mean of every plane
    g.accept([1, 1, 7, 3], output_size=[3, 1])
    g.accept([1, 1, 4, 4], output_size=[0, 2])                     # 0: an empty output, not an error
    g.accept([0, 1, 4, 4], output_size=2)                          # an empty batch
    g.accept([1, 0, 4, 4], output_size=2)                          # no channels: accepted here
    g.until(9)
    while len(g.cases) < 104:
        def make(r):
            size = [r.randint(1, 8), r.randint(1, 8)]
            out = random_ints(r, 2, 1, 9, lists=0.6)
            return [r.randint(1, 2), r.randint(1, 3)] + size, random_kind(r), {"output_size": out}
        g.random_accept(make)
    g.refuse([1, 1, 4, 4], output_size=[-1, 2])
    g.refuse([1, 1, 0, 4], output_size=2)                          # no rows
    g.refuse([1, 1, 4, 0], output_size=2)                          # no columns
    return g.cases


if __name__ == "__main__":
    write("max_pool1d", max_pool1d_cases())
    write("max_pool2d", max_pool2d_cases())
    write("avg_pool1d", avg_pool1d_cases())
    write("avg_pool2d", avg_pool2d_cases())
    write("adaptive_avg_pool2d", adaptive_avg_pool2d_cases())
