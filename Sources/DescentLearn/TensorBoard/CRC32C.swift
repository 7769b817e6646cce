/// CRC-32C (Castagnoli), the checksum of TFRecord framing, and TensorFlow's masking of it.
public enum CRC32C {
  /// The reflected Castagnoli polynomial.
  private static let polynomial: UInt32 = 0x82F6_3B78

  /// One entry per byte value: the remainder of that byte shifted through the polynomial.
  private static let table: [UInt32] = (0..<256).map { byte in
    var crc = UInt32(byte)
    for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ polynomial : crc >> 1 }
    return crc
  }

  /// The CRC-32C of `bytes`.
  public static func checksum(_ bytes: some Sequence<UInt8>) -> UInt32 {
    var crc: UInt32 = 0xFFFF_FFFF
    table.withUnsafeBufferPointer { t in
      for b in bytes { crc = t[Int((crc ^ UInt32(b)) & 0xFF)] ^ (crc >> 8) }
    }
    return ~crc
  }

  /// TensorFlow stores CRCs rotated and offset, so that a CRC over data holding CRCs stays
  /// well distributed (`crc32c::Mask`).
  public static func masked(_ crc: UInt32) -> UInt32 { ((crc >> 15) | (crc << 17)) &+ 0xA282_EAD8 }

  /// The masked CRC-32C of `bytes`, as TFRecord framing stores it.
  public static func maskedChecksum(_ bytes: some Sequence<UInt8>) -> UInt32 { masked(checksum(bytes)) }
}
