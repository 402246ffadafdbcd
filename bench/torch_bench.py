# PyTorch side of the benchmark: the same workloads (bench/workloads.json), same thread count,
# median of repeated runs after warm-up. Prints JSON lines {name, seconds}.
import json, os, sys, time
import torch

spec = json.load(open(os.path.join(os.path.dirname(__file__), 'workloads.json')))
torch.set_num_threads(spec['threads'])

def timeit(fn, min_time=0.3):
    for _ in range(3):
        fn()
    reps = 1
    while True:
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        if time.perf_counter() - t0 > 0.01 or reps > 1e6:
            break
        reps *= 4
    samples = []
    start = time.perf_counter()
    while len(samples) < 5 or (time.perf_counter() - start < min_time and len(samples) < 50):
        t0 = time.perf_counter()
        for _ in range(reps):
            fn()
        samples.append((time.perf_counter() - t0) / reps)
    samples.sort()
    return samples[len(samples) // 2]

for w in spec['workloads']:
    dt = getattr(torch, w['dtype'])
    if w['op'] == 'matmul':
        a = torch.randn(w['n'], w['n'], dtype=dt); b = torch.randn(w['n'], w['n'], dtype=dt)
        fn = lambda: torch.matmul(a, b)
    else:
        a = torch.rand(w['n'], dtype=dt); b = torch.rand(w['n'], dtype=dt)
        fn = {'add': lambda: a + b, 'exp': lambda: a.exp(), 'sum': lambda: a.sum()}[w['op']]
    print(json.dumps({'name': w['name'], 'seconds': timeit(fn)}), flush=True)
