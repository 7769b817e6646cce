# Under mpirun, rank 0 alone wrote TensorBoard events: one file of whole records with the run's scalars. Argument: TB_FOLDER.
import glob, struct, sys
files = glob.glob(sys.argv[1] + "/**/events.out.tfevents.*", recursive=True)
assert len(files) == 1, files
raw, at, records = open(files[0], "rb").read(), 0, []
while at < len(raw):
    n = struct.unpack("<Q", raw[at:at + 8])[0]
    records.append(raw[at + 12:at + 12 + n])
    at += 12 + n + 4
assert at == len(raw) and b"brain.Event:2" in records[0], (at, len(raw))
assert any(b"train_loss" in r for r in records) and any(b"valid_loss" in r for r in records)
