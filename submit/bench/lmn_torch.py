"""The LMN fit step in PyTorch, the baseline of submit/bench-lmn.sh (prints numbers; asserts nothing).

Same shape and step as ai.laes.train.bench.LmnBenchmark: float32, batch 64, T 784, input 1, size 128,
h_t = tanh(W_xh x_t + W_mh m_{t-1} + b_h), m_t = W_hm h_t + W_mm m_{t-1} + b_m, a softmax readout of
m_T, cross-entropy, Adam 1e-3; one thread. Prints one line: "torch VERSION fit_ms MEDIAN (all ...)",
the median process CPU time of REPS steps after WARM warm-up steps.

Usage: python3 lmn_torch.py [REPS=5] [WARM=2]
"""
import sys
import time

import torch

B, T, N_IN, P, CLASSES = 64, 784, 1, 128, 10


class LinearMemoryNetwork(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.xh = torch.nn.Linear(N_IN, P)
        self.mh = torch.nn.Linear(P, P, bias=False)
        self.hm = torch.nn.Linear(P, P)
        self.mm = torch.nn.Linear(P, P, bias=False)
        self.out = torch.nn.Linear(P, CLASSES)

    def forward(self, x):  # x: [T, B, N_IN]
        m = torch.zeros(x.shape[1], P)
        for t in range(x.shape[0]):
            h = torch.tanh(self.xh(x[t]) + self.mh(m))
            m = self.hm(h) + self.mm(m)
        return self.out(m)


def main():
    reps = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    warm = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    torch.set_num_threads(1)
    torch.manual_seed(7)
    net = LinearMemoryNetwork()
    opt = torch.optim.Adam(net.parameters(), 1e-3)
    x = torch.rand(T, B, N_IN)
    y = torch.randint(0, CLASSES, (B,))

    def step():
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(net(x), y)
        loss.backward()
        opt.step()

    for _ in range(warm):
        step()
    times = []
    for _ in range(reps):
        start = time.process_time()
        step()
        times.append((time.process_time() - start) * 1e3)
    median = sorted(times)[len(times) // 2]
    print("torch %s fit_ms %.1f (all %s)" % (torch.__version__, median, " ".join("%.0f" % t for t in times)))


if __name__ == "__main__":
    main()
