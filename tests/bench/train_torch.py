"""The PyTorch peer of tests/bench/train.mjs: the "tiny" network (conv 8@3x3 -
ReLU - max pool 2 - conv 16@3x3 - ReLU - max pool 2 - fully connected 10) trained
for one epoch on the first N Fashion-MNIST training images (Debian's idx files),
batch 32, SGD with momentum, one thread. Prints one JSON line. One run per
process: train.mjs starts it several times, alternating with our runs, and
reports the median and the spread (PyTorch's rate swings two- to five-fold from
one process to the next).

    /usr/bin/python3 tests/bench/train_torch.py [N] [--bn] [--warm=STEPS]

--warm=STEPS: that many training steps of a throwaway copy of the network
first, not timed (train.mjs warms every side up before timing it).
"""
import gzip
import json
import sys
import time

import numpy as np
import torch
from torch import nn

DATA = "/usr/share/datasets/fashion-mnist"


def idx(name, count):
    with gzip.open(f"{DATA}/{name}.gz", "rb") as f:
        raw = f.read()
    ndims = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndims)]
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndims).reshape(dims)
    return data[:count]


def make(bn):
    """The network and its optimiser."""
    layers = []
    for cin, cout in ((1, 8), (8, 16)):
        layers.append(nn.Conv2d(cin, cout, 3))
        if bn:
            layers.append(nn.BatchNorm2d(cout))
        layers += [nn.ReLU(), nn.MaxPool2d(2)]
    net = nn.Sequential(*layers, nn.Flatten(), nn.Linear(400, 10))
    opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9, weight_decay=5e-4)
    return net, opt


def epoch(net, opt, loss_fn, x, y, order):
    """One pass over the images in `order`, batches of 32."""
    for first in range(0, len(order), 32):
        ids = order[first:first + 32]
        opt.zero_grad()
        loss = loss_fn(net(x[ids]), y[ids])
        loss.backward()
        opt.step()


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    count = int(args[0]) if args else 10000
    bn = "--bn" in sys.argv
    torch.set_num_threads(1)
    torch.manual_seed(1)
    x = torch.from_numpy(idx("train-images-idx3-ubyte", count).astype(np.float32) / 255.0)
    x = x.reshape(-1, 1, 28, 28)
    y = torch.from_numpy(idx("train-labels-idx1-ubyte", count).astype(np.int64))
    warm = next((int(a.split("=")[1]) for a in sys.argv if a.startswith("--warm=")), 0)
    loss_fn = nn.CrossEntropyLoss()
    if warm > 0:
        net, opt = make(bn)
        epoch(net, opt, loss_fn, x, y, torch.randperm(count)[:32 * warm])
        torch.manual_seed(1)
    net, opt = make(bn)
    order = torch.randperm(count)
    t0, c0 = time.perf_counter(), time.process_time()
    epoch(net, opt, loss_fn, x, y, order)
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    print(json.dumps({"impl": "pytorch", "torch": torch.__version__, "images": count,
                      "batchnorm": bn, "images_per_s": round(count / seconds),
                      "images_per_cpu_s": round(count / cpu)}))


if __name__ == "__main__":
    main()
