# Copies a safetensors file with its JSON header edited by PYTHON (which changes 'header', may read 'arg'). Arguments: SOURCE DESTINATION PYTHON [ARG].
import json, struct, sys
source, destination, code = sys.argv[1:4]
raw = open(source, "rb").read()
n = struct.unpack("<Q", raw[:8])[0]
header = json.loads(raw[8:8 + n])
exec(code, {"header": header, "arg": sys.argv[4] if len(sys.argv) > 4 else None})
text = json.dumps(header).encode()
text += b" " * (-len(text) % 8)
open(destination, "wb").write(struct.pack("<Q", len(text)) + text + raw[8 + n:])
