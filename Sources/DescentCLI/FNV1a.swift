/// FNV-1a, 64 bits: a cheap, stable hash of bytes (an output path's lock file, the arguments and
/// dataset listings the processes of a run compare).
func fnv1a<S: Sequence>(_ bytes: S) -> UInt64 where S.Element == UInt8 {
  bytes.reduce(UInt64(0xcbf2_9ce4_8422_2325)) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
}
