#!/usr/bin/python3
"""Peer for ringclip's elastic-recovery benchmark: torchrun (PyTorch elastic, c10d rendezvous) on loopback.

Driver (no torchrun environment): starts 3 torchrun agents (--nnodes=2:3, one worker each, each agent
in its own process group), waits until the workers train, SIGKILLs one agent together with its worker
(the same fault as ElasticLoopbackIT's Process.destroyForcibly on a ringclip worker), and reports the
time from the kill to the first step completed at world size 2, and the steps lost. torchrun's
recovery is by design a restart: the surviving agents stop their workers, re-rendezvous, start new
worker processes (Python + torch import), which reload the last checkpoint (written by rank 0 after
every step here, the best case for steps lost).

Worker (under torchrun): a ~0.9 M-parameter dual encoder (image MLP 784-512-128, text embedding 1000x128
+ MLP 128-512-128), local CLIP loss, DDP over gloo, AdamW, batch 8 per worker, synthetic data; each
step also sleeps --step-seconds so its cadence matches the ringclip tiny job on this machine (~0.5 s);
one JSON line per step: {"t_ms", "rank", "world", "step", "restart", "loss"}.

Usage: /usr/bin/python3 bench/elastic_torchrun_peer.py [--steps 40] [--kill-at 6] [--step-seconds 0.5] [--trials 3]
"""
import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time


def worker(args):
    import torch
    import torch.distributed as dist
    import torch.nn as nn
    import torch.nn.functional as F
    from torch.nn.parallel import DistributedDataParallel as DDP

    torch.set_num_threads(1)
    dist.init_process_group("gloo")
    rank, world = dist.get_rank(), dist.get_world_size()
    restart = int(os.environ.get("TORCHELASTIC_RESTART_COUNT", "0"))

    class Dual(nn.Module):
        def __init__(self):
            super().__init__()
            self.img = nn.Sequential(nn.Linear(784, 512), nn.GELU(), nn.Linear(512, 128))
            self.emb = nn.Embedding(1000, 128)
            self.txt = nn.Sequential(nn.Linear(128, 512), nn.GELU(), nn.Linear(512, 128))
            self.logit_scale = nn.Parameter(torch.tensor(2.659))

        def forward(self, images, tokens):
            i = F.normalize(self.img(images), dim=-1)
            t = F.normalize(self.txt(self.emb(tokens).mean(1)), dim=-1)
            logits = self.logit_scale.exp().clamp(max=100) * i @ t.t()
            labels = torch.arange(len(images))
            return (F.cross_entropy(logits, labels) + F.cross_entropy(logits.t(), labels)) / 2

    torch.manual_seed(0)
    model = Dual()
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3)
    step = 0
    ckpt = os.environ["PEER_CKPT"]
    if os.path.exists(ckpt):
        state = torch.load(ckpt)
        model.load_state_dict(state["model"])
        opt.load_state_dict(state["opt"])
        step = state["step"]
    ddp = DDP(model)
    while step < args.steps:
        g = torch.Generator().manual_seed(step * 1000 + rank)
        images = torch.randn(8, 784, generator=g)
        tokens = torch.randint(0, 1000, (8, 16), generator=g)
        loss = ddp(images, tokens)
        opt.zero_grad()
        loss.backward()
        opt.step()
        time.sleep(args.step_seconds)
        step += 1
        if rank == 0:
            tmp = ckpt + ".tmp"
            torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "step": step}, tmp)
            os.replace(tmp, ckpt)
        print(json.dumps({"t_ms": int(time.time() * 1000), "rank": rank, "world": world, "step": step,
                          "restart": restart, "loss": round(loss.item(), 4)}), flush=True)
    dist.destroy_process_group()


# Debian's torch 1.13 on Python 3.11: Std.from_str misses IntFlag members (iteration skips NONE/ALL),
# so torchrun crashes on its default --redirects; this shim fixes that one function, then runs torchrun.
TORCHRUN_SHIM = """
from torch.distributed.elastic.multiprocessing import api
api.Std.from_str = classmethod(lambda cls, vm: cls(int(vm)) if ':' not in vm
                               else {int(i): cls(int(v)) for i, v in (m.split(':') for m in vm.split(','))})
from torch.distributed.run import main
main()
"""


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def read_steps(paths):
    out = []
    for p in paths:
        with open(p, errors="replace") as f:
            for line in f:
                line = line.strip()
                if line.startswith("{") and '"step"' in line:
                    try:
                        out.append(json.loads(line))
                    except json.JSONDecodeError:
                        pass
    return out


def wait_for(what, timeout_s, cond):
    deadline = time.time() + timeout_s
    while time.time() < deadline:
        v = cond()
        if v:
            return v
        time.sleep(0.1)
    raise SystemExit("timed out waiting for " + what)


def trial(args, workdir):
    port = free_port()
    env = dict(os.environ, PEER_CKPT=os.path.join(workdir, "ckpt.pt"), OMP_NUM_THREADS="1", OPENBLAS_NUM_THREADS="1")
    logs, agents = [], []
    for i in range(3):
        log = os.path.join(workdir, f"agent{i}.log")
        logs.append(log)
        cmd = ["/usr/bin/python3", "-c", TORCHRUN_SHIM, "--nnodes=2:3", "--nproc_per_node=1", "--rdzv_backend=c10d",
               f"--rdzv_endpoint=127.0.0.1:{port}", "--rdzv_id=elastic-peer", "--max_restarts=3",
               "--monitor_interval=0.5", "--rdzv_conf", "last_call_timeout=1",
               os.path.abspath(__file__), "--worker", "--steps", str(args.steps), "--step-seconds", str(args.step_seconds)]
        agents.append(subprocess.Popen(cmd, env=env, stdout=open(log, "w"), stderr=subprocess.STDOUT, start_new_session=True))
        time.sleep(1.0)  # agent 0 hosts the c10d store; the victim (agent 2) must not
    try:
        wait_for("world size 3 at step %d" % args.kill_at, 180,
                 lambda: any(s["world"] == 3 and s["step"] >= args.kill_at for s in read_steps(logs)))
        kill_ms = int(time.time() * 1000)
        os.killpg(agents[2].pid, signal.SIGKILL)
        first = wait_for("a step at world size 2", 180,
                         lambda: min((s for s in read_steps(logs) if s["world"] == 2), key=lambda s: s["t_ms"], default=None))
        for a in agents[:2]:
            a.wait(timeout=300)
        # the survivors may finish a step or two after the kill before their collective fails
        last_at_3 = max(s["step"] for s in read_steps(logs) if s["world"] == 3)
        return {"kill_to_first_step_ms": first["t_ms"] - kill_ms, "last_step_done_at_world_3": last_at_3,
                "first_step_at_world_2": first["step"], "steps_redone": last_at_3 - (first["step"] - 1),
                "restart_count": first["restart"]}
    finally:
        for a in agents:
            if a.poll() is None:
                os.killpg(a.pid, signal.SIGKILL)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--worker", action="store_true")
    p.add_argument("--steps", type=int, default=40)
    p.add_argument("--kill-at", type=int, default=6)
    p.add_argument("--step-seconds", type=float, default=0.5)
    p.add_argument("--trials", type=int, default=3)
    args = p.parse_args()
    if args.worker:
        worker(args)
        return
    for t in range(args.trials):
        with tempfile.TemporaryDirectory(prefix="torchrun-elastic-") as d:
            r = trial(args, d)
            print(json.dumps(dict(trial=t + 1, **r)), flush=True)


if __name__ == "__main__":
    main()
