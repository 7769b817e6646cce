# Writes a 65-byte PNG whose header claims 1,000,000 x 1,000,000 pixels. Argument: PATH.
import struct, sys, zlib
def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
png = (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 10**6, 10**6, 8, 2, 0, 0, 0))
       + chunk(b"IDAT", zlib.compress(b"")) + chunk(b"IEND", b""))
open(sys.argv[1], "wb").write(png)
