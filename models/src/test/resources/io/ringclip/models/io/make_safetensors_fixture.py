"""Writes reference_mixed.safetensors the way the reference Rust/Python `safetensors` serializer
lays a file out (tensors sorted by dtype descending then name, compact JSON header with
__metadata__ first, header space-padded to a multiple of 8). Values come from NumPy, so the F16
conversion is NumPy's and BF16 is the top half of each float32. Run: python3 make_safetensors_fixture.py"""
import json, struct
import numpy as np

DTYPE_ORDER = {"BF16": 9, "F16": 10, "F32": 11}  # position in the safetensors Dtype enum

w = (np.arange(12, dtype=np.float32).reshape(3, 4) - 5.5) / 3  # F32 [3, 4]
h = np.array([0.1, -2.5, 65504.0, 1e-7], dtype=np.float16)        # F16 [2, 2]
b32 = np.array([3.14159, -0.001, 1e30], dtype=np.float32)
b = (b32.view(np.uint32) >> 16).astype(np.uint16)                  # BF16 [3], truncated
tensors = {
    "visual.proj": ("F32", [3, 4], w.tobytes()),
    "token_embedding.weight": ("F16", [2, 2], h.tobytes()),
    "logit_scale": ("BF16", [3], b.tobytes()),
}
order = sorted(tensors, key=lambda n: (-DTYPE_ORDER[tensors[n][0]], n))
header = {"__metadata__": {"format": "pt"}}
offset = 0
for n in order:
    dtype, shape, data = tensors[n]
    header[n] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(data)]}
    offset += len(data)
hb = json.dumps(header, separators=(",", ":")).encode()
hb += b" " * ((8 - len(hb) % 8) % 8)
with open("reference_mixed.safetensors", "wb") as f:
    f.write(struct.pack("<Q", len(hb)) + hb + b"".join(tensors[n][2] for n in order))
# Expected values as float32, for the test to compare against.
print("w", w.ravel().tolist())
print("h", h.astype(np.float32).tolist())
print("b", (b.astype(np.uint32) << 16).view(np.float32).tolist())
