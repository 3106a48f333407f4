#!/usr/bin/env python3
"""The cost table of chapter 11's lesson ("What a 3-D convolution costs").

    /usr/bin/python3 bench/conv3d_costs.py

Every shape is checked with F.conv3d on meta tensors (no memory, no time);
the counts are exact integers, rounded only when printed. Assumptions, as in
the lesson: batch 1, FP32 (4 bytes a number), no padding, no bias, each
tensor read or written once (the least any implementation must move).
"""
from fractions import Fraction

import torch
import torch.nn.functional as F

# (name, input side, out_channels, kernel, stride); the input is [1, 7, side, side, side].
ROWS = [
    ("the experiment: k50, one output channel", 100, 1, 50, 1),
    ("k13 s3", 100, 7, 13, 3),
    ("k50", 100, 7, 50, 1),
    ("k10", 500, 7, 10, 1),
    ("k100 s10", 500, 7, 100, 10),
    ("k100 s50", 500, 7, 100, 50),
]
C = 7


def spaced(n: int) -> str:
    """12 345 678: thousands separated by spaces, as in the lesson."""
    return f"{n:,}".replace(",", " ")


def shown(value: Fraction) -> str:
    """Rounded half up: to a whole number from 100 on, else to 3 significant digits."""
    if value >= 100:
        return spaced(int(value + Fraction(1, 2)))
    places = 0
    while value * 10**places < 100:
        places += 1
    whole = int(value * 10**places + Fraction(1, 2))
    return f"{whole // 10**places}.{whole % 10**places:0{places}d}"


def scientific(n: int) -> str:
    """3 significant digits, rounded half up: 116069625000 -> 1.16e11."""
    exponent = len(str(n)) - 1
    mantissa = int(Fraction(n, 10 ** (exponent - 2)) + Fraction(1, 2))
    if mantissa == 1000:
        mantissa, exponent = 100, exponent + 1
    m = str(mantissa)
    return f"{m[0]}.{m[1:]}e{exponent}"


def main() -> None:
    print("| input | weight | stride | output | outputs | taps each | MACs | GFLOP | MB moved | FLOP/byte |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    details = []
    for name, side, oc, k, stride in ROWS:
        x = torch.empty(1, C, side, side, side, device="meta")
        w = torch.empty(oc, C, k, k, k, device="meta")
        y = F.conv3d(x, w, stride=stride)
        out = (side - k) // stride + 1  # floor((in - kernel) / stride) + 1
        assert list(y.shape) == [1, oc, out, out, out], (name, y.shape)
        outputs = oc * out**3
        taps = C * k**3
        macs = outputs * taps
        flop = 2 * macs
        nbytes = 4 * (C * side**3 + oc * C * k**3 + outputs)
        intensity = Fraction(flop, nbytes)
        print(f"| `[1,{C},{side}^3]` | `[{oc},{C},{k}^3]` | {stride} | `[1,{oc},{out}^3]` | {spaced(outputs)} | "
              f"{spaced(taps)} | {scientific(macs)} | {shown(Fraction(flop, 10**9))} | "
              f"{shown(Fraction(nbytes, 10**6))} | {shown(intensity)} |")
        details.append(f"{name}: {list(y.shape)}, outputs {outputs}, taps {taps}, MACs {macs}, FLOP {flop}, "
                       f"bytes {nbytes}, FLOP/byte {float(intensity):.4f}")
    print()
    print("\n".join(details))


if __name__ == "__main__":
    main()
