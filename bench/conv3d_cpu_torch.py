#!/usr/bin/env python3
"""PyTorch's CPU Conv3d on workload 1 of chapter 11, to compare with `conv3d_bench --cpu`.

    /usr/bin/python3 bench/conv3d_cpu_torch.py
    /usr/bin/python3 bench/conv3d_cpu_torch.py --experiment   # the lesson's experiment, one thread

--experiment runs the experiment of the lesson's "What a 3-D convolution
costs" instead: [1, 7, 100, 100, 100] with one output channel and kernel 50
(232 GFLOP, about a minute a call here). It uses one thread and reports the
CPU time beside the wall time, which says more on a machine shared with
other work.
"""
import sys
import time

import torch
import torch.nn.functional as F


def main() -> None:
    experiment = sys.argv[1:] == ["--experiment"]
    if sys.argv[1:] and not experiment:
        sys.exit(__doc__)
    size, out_channels, kernel, stride = (100, 1, 50, 1) if experiment else (100, 7, 13, 3)
    if experiment:
        torch.set_num_threads(1)
    torch.manual_seed(0)
    x = torch.rand(1, 7, size, size, size) * 2 - 1
    w = (torch.rand(out_channels, 7, kernel, kernel, kernel) * 2 - 1) / (7 * kernel**3) ** 0.5
    out = (size - kernel) // stride + 1
    flop = 2 * out_channels * out**3 * 7 * kernel**3
    F.conv3d(x, w, stride=stride)  # warm-up
    walls, cpus = [], []
    for _ in range(3):
        start, cpu_start = time.perf_counter(), time.process_time()
        F.conv3d(x, w, stride=stride)
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu_start)
    best = sorted(walls)[1]
    name = "[1,7,100^3] k50, one output channel" if experiment else "[1,7,100^3] k13 s3"
    print(f"{name} on the CPU: {flop / 1e9:.4g} GFLOP, torch {torch.__version__}, "
          f"{torch.get_num_threads()} threads")
    print(f"  {'torch F.conv3d':<24} {best:10.3f} s {flop / 1e9 / best:9.2f} GFLOP/s")
    if experiment:
        cpu = sorted(cpus)[1]
        print(f"  {'  (CPU time)':<24} {cpu:10.3f} s {flop / 1e9 / cpu:9.2f} GFLOP/s")


if __name__ == "__main__":
    main()
