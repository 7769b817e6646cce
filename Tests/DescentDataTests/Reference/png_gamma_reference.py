# What fastai sees of PNGs with a gAMA chunk (Pillow 13, Image.open(path).convert("RGB") as
# fastai's PILImage.create does), for PNGGammaTests.swift: Pillow keeps the stored samples and
# only notes the gamma in `info`. One row of 8 pixels (v, 255 − v, v / 2), 8- and 16-bit RGB,
# with gAMA 1.0 (100000) or 0.8 (80000) after IHDR.
#   python Tests/DescentDataTests/Reference/png_gamma_reference.py
import os, struct, tempfile, zlib
import numpy as np
from PIL import Image

SAMPLES = [0, 16, 64, 100, 128, 180, 230, 255]

def png(path, depth, gamma):
    def chunk(kind, body): return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
    fmt, scale = (">BBB", 1) if depth == 8 else (">HHH", 257)
    row = b"\x00" + b"".join(struct.pack(fmt, v * scale, (255 - v) * scale, v // 2 * scale) for v in SAMPLES)
    ihdr = struct.pack(">IIBBBBB", len(SAMPLES), 1, depth, 2, 0, 0, 0)
    open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"gAMA", struct.pack(">I", gamma))
                           + chunk(b"IDAT", zlib.compress(row)) + chunk(b"IEND", b""))

folder = tempfile.mkdtemp()
for depth in (8, 16):
    for gamma in (100000, 80000):
        path = os.path.join(folder, f"{depth}-{gamma}.png")
        png(path, depth, gamma)
        image = Image.open(path)
        print(f'"{depth}-{gamma}": {np.array(image.convert("RGB")).reshape(-1).tolist()},  # info gamma {image.info.get("gamma")}')
