# Writes FOLDER/eight.png (8-bit RGB) and FOLDER/sixteen.png (16-bit, the same high bytes). Argument: FOLDER.
import struct, sys, zlib
def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
def png(path, depth, pixel):
    rows = b"".join(b"\0" + b"".join(pixel(x, y) for x in range(40)) for y in range(40))
    ihdr = struct.pack(">IIBBBBB", 40, 40, depth, 2, 0, 0, 0)
    open(path, "wb").write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))
v = lambda x, y, c: (x * 5 + y * 3 + c * 40) % 256
png(sys.argv[1] + "/eight.png", 8, lambda x, y: bytes(v(x, y, c) for c in range(3)))
png(sys.argv[1] + "/sixteen.png", 16, lambda x, y: b"".join(struct.pack(">H", v(x, y, c) * 256 + 0xC3) for c in range(3)))
