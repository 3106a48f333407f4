#!/usr/bin/env python3
"""PyTorch's CPU Conv3d on workload 1 of chapter 11, to compare with `conv3d_bench --cpu`.

    /usr/bin/python3 bench/conv3d_cpu_torch.py
"""
import time

import torch
import torch.nn.functional as F


def main() -> None:
    size, kernel, stride = 100, 13, 3
    torch.manual_seed(0)
    x = torch.rand(1, 7, size, size, size) * 2 - 1
    w = (torch.rand(7, 7, kernel, kernel, kernel) * 2 - 1) / (7 * kernel**3) ** 0.5
    out = (size - kernel) // stride + 1
    flop = 2 * 7 * out**3 * 7 * kernel**3
    F.conv3d(x, w, stride=stride)  # warm-up
    times = []
    for _ in range(3):
        start = time.perf_counter()
        F.conv3d(x, w, stride=stride)
        times.append(time.perf_counter() - start)
    best = sorted(times)[1]
    print(f"[1,7,100^3] k13 s3 on the CPU: {flop / 1e9:.4g} GFLOP, torch {torch.__version__}, "
          f"{torch.get_num_threads()} threads")
    print(f"  {'torch F.conv3d':<24} {best:10.3f} s {flop / 1e9 / best:9.2f} GFLOP/s")


if __name__ == "__main__":
    main()
