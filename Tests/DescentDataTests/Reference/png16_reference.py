# What fastai sees of 16-bit PNGs (Pillow 13 under fastai 2.8's PILImage.create, mode RGB), for
# PNG16Tests.swift: one row of 8 pixels per file, samples below, each colour type with 16 bits.
#   python Tests/DescentDataTests/Reference/png16_reference.py
import struct, tempfile, zlib, os
import numpy as np
from fastai.vision.core import PILImage

SAMPLES = [0x0000, 0x00FF, 0x0100, 0x7F7F, 0x8080, 0x80FF, 0xFEFF, 0xFFFF]

def png(path, colortype, pixel):
    def chunk(kind, body): return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    row = b"\x00" + b"".join(pixel(v) for v in SAMPLES)
    ihdr = struct.pack(">IIBBBBB", len(SAMPLES), 1, 16, colortype, 0, 0, 0)
    open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(row)) + chunk(b"IEND", b""))

cases = {
    "gray": (0, lambda v: struct.pack(">H", v)),
    "rgb": (2, lambda v: struct.pack(">HHH", v, 0xFFFF - v, v // 2)),
    "grayAlpha": (4, lambda v: struct.pack(">HH", v, 0xFFFF)),
    "rgba": (6, lambda v: struct.pack(">HHHH", v, 0xFFFF - v, v // 2, 0x8000)),
}
folder = tempfile.mkdtemp()
for name, (colortype, pixel) in cases.items():
    path = os.path.join(folder, name + ".png")
    png(path, colortype, pixel)
    print(f'"{name}": {np.array(PILImage.create(path)).reshape(-1).tolist()},')
