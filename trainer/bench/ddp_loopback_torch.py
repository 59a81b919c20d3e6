#!/usr/bin/python3
"""Peer for trainer/bench/cluster_loopback.sh: PyTorch 1.13 DistributedDataParallel (gloo, TCP on
127.0.0.1), N processes training the same tiny CLIP (the model of /work/shared/bench/clip_step_torch.py:
ViT 28x28/4, 4+4 blocks of width 128, AdamW) on random tensors, batch B per process.

Loss as ringclip computes it: each rank all-gathers the text and image features (with gradient,
torch.distributed.nn.all_gather, as open_clip's gather_with_grad), computes the loss rows of its own
images and texts against the global batch, and the gradients are summed over ranks.

  --sync ddp     DDP, gradient buckets of --bucket-mb launched during backward (DDP's overlap)
  --sync after   no DDP: after backward, one flat allreduce of all gradients (ringclip --no-overlap
                 with one bucket); its wait is measured and reported as comm-wait share

Reported from rank 0, over the steps after --skip: samples/s = N*B / mean step time, and for
--sync after the share of step time spent in the allreduce. Data generation is not timed.

  /usr/bin/python3 trainer/bench/ddp_loopback_torch.py --world 2 --threads 1 --batch 32 --steps 80 --skip 10 --sync ddp
"""
import argparse
import os
import socket
import sys
import time


def parse():
    ap = argparse.ArgumentParser()
    ap.add_argument("--world", type=int, default=2)
    ap.add_argument("--threads", type=int, default=1, help="torch threads per process")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--steps", type=int, default=80)
    ap.add_argument("--skip", type=int, default=10)
    ap.add_argument("--bucket-mb", type=float, default=25.0)
    ap.add_argument("--sync", choices=["ddp", "after"], default="ddp")
    ap.add_argument("--peer-dir", default="/work/shared/bench")
    return ap.parse_args()


def worker(rank, a, port):
    os.environ["OMP_NUM_THREADS"] = str(a.threads)
    os.environ["OPENBLAS_NUM_THREADS"] = str(a.threads)
    sys.path.insert(0, a.peer_dir)
    sys.argv = ["clip_step_torch.py", "--threads", str(a.threads)]  # the module parses its flags on import
    import clip_step_torch as peer
    import torch
    import torch.distributed as dist
    import torch.distributed.nn
    import torch.nn.functional as F
    torch.set_num_threads(a.threads)
    dist.init_process_group("gloo", init_method=f"tcp://127.0.0.1:{port}", rank=rank, world_size=a.world)
    torch.manual_seed(0)
    model = peer.TinyClip(peer.CFG, "clip")
    opt = peer.make_optimizer(model)

    class Features(torch.nn.Module):
        """The towers as one module, so DDP sees the whole forward (its bucket hooks need DDP.forward)."""
        def __init__(self, m):
            super().__init__()
            self.m = m

        def forward(self, img, ids):
            return (F.normalize(self.m.visual(img), dim=-1), F.normalize(self.m.text(ids), dim=-1),
                    self.m.logit_scale.exp().clamp(max=100))

    net = Features(model)
    ddp = a.sync == "ddp" and a.world > 1
    if ddp:
        net = torch.nn.parallel.DistributedDataParallel(net, bucket_cap_mb=a.bucket_mb)
    b = a.batch
    g = torch.Generator().manual_seed(rank)
    batches = [(torch.randn(b, 1, 28, 28, generator=g), torch.randint(0, peer.CFG["vocab"], (b, peer.CFG["ctx"]), generator=g))
               for _ in range(4)]
    labels = torch.arange(b) + rank * b

    def loss_of(img, ids):
        i, t, s = net(img, ids)
        if a.world > 1:
            all_i = torch.cat(torch.distributed.nn.all_gather(i), 0)
            all_t = torch.cat(torch.distributed.nn.all_gather(t), 0)
        else:
            all_i, all_t = i, t
        # this rank's rows of the global loss: a share of the global mean (sum over ranks) for --sync after,
        # N times that under DDP, which averages gradients over ranks
        rows = 0.5 * (F.cross_entropy(s * i @ all_t.t(), labels, reduction="sum")
                      + F.cross_entropy(s * t @ all_i.t(), labels, reduction="sum"))
        return rows / (b if ddp else b * a.world)

    params = [p for p in model.parameters()]
    step_s, wait_s = [], []
    for step in range(a.steps):
        img, ids = batches[step % len(batches)]
        t0 = time.perf_counter()
        loss = loss_of(img, ids)
        loss.backward()
        w = 0.0
        if a.sync == "after" and a.world > 1:
            flat = torch.cat([p.grad.reshape(-1) for p in params])
            w0 = time.perf_counter()
            dist.all_reduce(flat)
            w = time.perf_counter() - w0
            off = 0
            for p in params:
                n = p.numel()
                p.grad.copy_(flat[off:off + n].view_as(p.grad))
                off += n
        opt.step()
        opt.zero_grad(set_to_none=False)
        step_s.append(time.perf_counter() - t0)
        wait_s.append(w)
    if rank == 0:
        s = step_s[a.skip:]
        ws = wait_s[a.skip:]
        print(f"torch ddp peer: world={a.world} threads={a.threads} batch={b} sync={a.sync} bucket_mb={a.bucket_mb} "
              f"steps={a.skip + 1}..{a.steps} samples_per_s={a.world * b * len(s) / sum(s):.1f} "
              f"median_step_ms={1000 * sorted(s)[len(s) // 2]:.0f} "
              f"allreduce_after_backward_share={100 * sum(ws) / sum(s):.1f}% rank0_loss_rows={float(loss):.4f}", flush=True)
    dist.destroy_process_group()


def main():
    a = parse()
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    import torch.multiprocessing as mp
    mp.spawn(worker, args=(a, port), nprocs=a.world, join=True)


if __name__ == "__main__":
    main()
