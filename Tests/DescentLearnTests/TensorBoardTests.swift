import DescentNN
import DescentOptim
import DescentTensor
import Foundation
import Testing
@testable import DescentLearn

/// TensorBoard's event files: CRC-32C, the protocol-buffer bytes against TensorBoard's own
/// (Reference/tensorboard_bytes.py), TFRecord framing read back with both checksums checked, a
/// torn last record, and a Learner's run read back against its Recorder.
@Suite struct TensorBoardTests {
  static func bytes(_ hex: String) -> [UInt8] {
    var out: [UInt8] = []
    var i = hex.startIndex
    while i < hex.endIndex {
      let j = hex.index(i, offsetBy: 2)
      out.append(UInt8(hex[i..<j], radix: 16)!)
      i = j
    }
    return out
  }

  @Test func crc32cKnownVectors() {
    #expect(CRC32C.checksum(Array("123456789".utf8)) == 0xE306_9283)
    #expect(CRC32C.checksum([UInt8]()) == 0)
    // RFC 3720's test vectors: 32 zero bytes, 32 bytes of 0xFF.
    #expect(CRC32C.checksum([UInt8](repeating: 0, count: 32)) == 0x8A91_36AA)
    #expect(CRC32C.checksum([UInt8](repeating: 0xFF, count: 32)) == 0x62A8_AB43)
    #expect(CRC32C.masked(0) == 0xA282_EAD8)
  }

  @Test func eventsAreTensorBoardsBytes() {
    #expect(SummaryEvent(wallTime: 1_700_000_000.25, fileVersion: "brain.Event:2").encoded
      == Self.bytes("0900001040fc54d9411a0d627261696e2e4576656e743a32"))
    #expect(SummaryEvent(wallTime: 1_700_000_000.5, step: 7, values: [.scalar("train_loss", 0.5), .scalar("lr/group_0", 0.001)]).encoded
      == Self.bytes("0900002040fc54d94110072a260a110a0a747261696e5f6c6f7373150000003f0a110a0a6c722f67726f75705f30156f12833a"))
  }

  @Test func hparamsSummariesAreTensorBoardsBytes() {
    func encoded(_ v: SummaryValue) -> [UInt8] {
      var w = ProtoWriter()
      v.encode(into: &w)
      return w.bytes
    }
    let hparams: [String: HParamValue] = ["lr": 0.003, "optimizer": "adam", "mixed_precision": false, "seed": 42]
    #expect(encoded(HParamsSummary.experiment(hparams: hparams, metrics: ["valid_loss", "accuracy"], time: 1_700_000_000)) == Self.bytes(
      "0a145f68706172616d735f2f6578706572696d656e7442060801120212004a700a6e0a0768706172616d73126312611900000040fc54d94122060a026c72200322130a0f6d697865645f707265636973696f6e2002220d0a096f7074696d697a6572200122080a047365656420032a100a0c120a76616c69645f6c6f737328022a0e0a0a120861636375726163792802"))
    #expect(encoded(HParamsSummary.sessionStart(hparams: hparams, time: 1_700_000_000)) == Self.bytes(
      "0a1c5f68706172616d735f2f73657373696f6e5f73746172745f696e666f42060801120212004a680a660a0768706172616d73125b1a590a0f0a026c72120911fa7e6abc7493683f0a150a0f6d697865645f707265636973696f6e120220000a130a096f7074696d697a657212061a046164616d0a110a047365656412091100000000000045402900000040fc54d941"))
    #expect(encoded(HParamsSummary.sessionEnd(status: .success, time: 1_700_000_100.5)) == Self.bytes(
      "0a1a5f68706172616d735f2f73657373696f6e5f656e645f696e666f42060801120212004a1a0a180a0768706172616d73120d220b08011100002059fc54d941"))
  }

  static func eventFiles(_ folder: String) throws -> [String] {
    try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix("events.out.tfevents.") }.sorted()
      .map { folder + "/" + $0 }
  }

  @Test func scalarsRoundTrip() throws {
    let folder = Toy.temporaryDirectory() + "/run"
    defer { try? FileManager.default.removeItem(atPath: (folder as NSString).deletingLastPathComponent) }
    let writer = try EventFileWriter(runDirectory: folder, wallTime: 1_700_000_000)
    let written = (1...5).map { i in
      SummaryEvent(wallTime: 1_700_000_000 + Double(i), step: Int64(i), values: [.scalar("loss", 1 / Float(i)), .scalar("lr", Float(i) * 1e-3)])
    }
    for e in written { try writer.write(e) }
    try writer.close()
    #expect(throws: LearnerError.self) { try writer.write(written[0]) }

    let files = try Self.eventFiles(folder)
    #expect(files == [writer.path])
    #expect(writer.path.contains("events.out.tfevents.1700000000."))
    let read = try EventFileReader.read(path: writer.path)
    #expect(!read.truncatedTail)
    #expect(read.events.first == SummaryEvent(wallTime: 1_700_000_000, fileVersion: "brain.Event:2"))
    #expect(Array(read.events.dropFirst()) == written)
  }

  @Test func aTornLastRecordIsLeftOutAndABadChecksumIsAnError() throws {
    let folder = Toy.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let writer = try EventFileWriter(runDirectory: folder)
    let events = (0..<3).map { SummaryEvent(wallTime: 1, step: Int64($0), values: [.scalar("x", Float($0))]) }
    for e in events { try writer.write(e) }
    try writer.close()
    let whole = Array(try #require(FileManager.default.contents(atPath: writer.path)))
    let last = TFRecord.frame(events[2].encoded).count
    // Cut inside the last record's data checksum, before it, inside its header, its whole
    // header gone but 2 bytes; and inside the first record: what is whole reads.
    for (cut, count) in [(3, 3), (4, 3), (last - 6, 3), (last - 2, 3), (whole.count - 20, 0)] {
      let read = try EventFileReader.read(bytes: Array(whole.dropLast(cut)))
      #expect(read.truncatedTail, "cut \(cut)")
      #expect(read.events.count == count, "cut \(cut)")
    }
    #expect(try EventFileReader.read(bytes: Array(whole.dropLast(last))).events.count == 3)
    // Truncating the file itself, as a killed writer leaves it.
    let handle = try #require(FileHandle(forWritingAtPath: writer.path))
    try handle.truncate(atOffset: UInt64(whole.count - 5))
    try handle.close()
    let truncated = try EventFileReader.read(path: writer.path)
    #expect(truncated.truncatedTail && truncated.events.map(\.step) == [0, 0, 1])
    // A flipped bit in a record's data fails its checksum.
    var corrupt = whole
    corrupt[corrupt.count - 6] ^= 1
    #expect(throws: ProtoDecodingError.self) { try EventFileReader.read(bytes: corrupt) }
  }

  static func scalars(_ events: [SummaryEvent], _ tag: String) -> [(step: Int64, value: Float)] {
    events.flatMap { e in
      e.values.compactMap { v -> (Int64, Float)? in
        if v.tag == tag, case .scalar(let x) = v.kind { return (e.step, x) }
        return nil
      }
    }
  }

  static func plugin(_ events: [SummaryEvent], _ tag: String) -> [UInt8]? {
    for e in events {
      for v in e.values where v.tag == tag {
        if case .plugin(let name, let content) = v.kind, name == HParamsSummary.pluginName { return content }
      }
    }
    return nil
  }

  @Test func aLearnersRunReadsBackAsTheRecorderHasIt() throws {
    let root = Toy.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let tb = TensorBoardCallback(runDirectory: root + "/adam-seed1", hparams: ["optimizer": "adam", "lr": 1e-2, "seed": 1],
                                 differingHParams: ["optimizer"])
    let learn = Toy.learner(metrics: [AvgMetric.accuracy()])
    try learn.fitOneCycle(2, lrMax: 1e-2, callbacks: [tb])
    #expect(tb.writer == nil)

    let files = try Self.eventFiles(root + "/adam-seed1")
    #expect(files.count == 1)
    let read = try EventFileReader.read(path: try #require(files.first))
    #expect(!read.truncatedTail && read.events.first?.fileVersion == "brain.Event:2")
    let events = read.events

    // Per batch: 4 training batches × 2 epochs, at steps 1…8, under fastai's tags: train_loss
    // is the smoothed loss, hypers are name_group.
    let trainLoss = Self.scalars(events, "train_loss"), batchLoss = Self.scalars(events, "batch_loss")
    #expect(trainLoss.map(\.step) == Array(1...8) && batchLoss.map(\.step) == Array(1...8))
    #expect(trainLoss.map(\.value) == learn.recorder.losses.map { Float($0) })
    #expect(Self.scalars(events, "lr_0").map(\.value) == learn.recorder.lrs.map { Float($0) })
    #expect(Self.scalars(events, "mom_0").map(\.value) == learn.recorder.moms.map { Float($0) })
    #expect(Self.scalars(events, "wd_0").count == 8)
    #expect(batchLoss.allSatisfy { $0.value.isFinite && $0.value > 0 })
    // Per epoch, at the batches done by its end (4 and 8), so that it lines up with the batches'
    // curves: the table's valid_loss and accuracy.
    for name in ["valid_loss", "accuracy"] {
      let logged = Self.scalars(events, name)
      #expect(logged.map(\.step) == [4, 8])
      #expect(logged.map(\.value) == (0..<2).map { Float(learn.recorder.value(name, row: $0) ?? .nan) }, "\(name)")
    }
    #expect(Self.scalars(events, "images_per_second").allSatisfy { $0.value > 0 })
    #expect(Self.scalars(events, "images_per_second").count == 2)

    // The HParams session: the experiment lists the hyper-parameters and the metrics, the start
    // holds the values, the end says success.
    let experiment = try #require(Self.plugin(events, HParamsSummary.experimentTag))
    let start = try #require(Self.plugin(events, HParamsSummary.sessionStartTag))
    let end = try #require(Self.plugin(events, HParamsSummary.sessionEndTag))
    func message(_ content: [UInt8], field: Int) throws -> ArraySlice<UInt8> {
      try #require(try ProtoReader.fields(content[...]).first { $0.field == field }?.value.data)
    }
    let metricTags = try ProtoReader.fields(try message(experiment, field: 2)).filter { $0.field == 5 }.map { info in
      try ProtoReader.fields(try #require(try ProtoReader.fields(info.value.data ?? []).first?.value.data)).first?.value.string
    }
    #expect(metricTags == ["valid_loss", "accuracy"])
    let hparamInfos = try ProtoReader.fields(try message(experiment, field: 2)).filter { $0.field == 4 }.map { info in
      let fields = try ProtoReader.fields(info.value.data ?? [])
      return (fields.first { $0.field == 1 }?.value.string ?? "", fields.first { $0.field == 7 }?.value.integer == 1)
    }
    #expect(hparamInfos.map(\.0) == ["lr", "optimizer", "seed"] && hparamInfos.map(\.1) == [false, true, false])
    var values: [String: ProtoReader.Value] = [:]
    for entry in try ProtoReader.fields(try message(start, field: 3)) where entry.field == 1 {
      let kv = try ProtoReader.fields(entry.value.data ?? [])
      let key = try #require(kv.first { $0.field == 1 }?.value.string)
      values[key] = try ProtoReader.fields(try #require(kv.first { $0.field == 2 }?.value.data)).first?.value
    }
    #expect(values["optimizer"]?.string == "adam" && values["lr"]?.double == 1e-2 && values["seed"]?.double == 1)
    #expect(try ProtoReader.fields(try message(end, field: 4)).first { $0.field == 1 }?.value.integer == 1)
  }

  /// A run stopped by an error: its file is closed readable, with the epochs before the error
  /// and a session end that says failure (TensorBoard would show it as unknown without one).
  @Test func aRunStoppedByAnErrorEndsItsSessionAsFailed() throws {
    final class FailSecondEpoch: Callback {
      struct Failure: Error {}
      override func beforeBatch(_ learn: Learner) throws { if learn.epoch == 1 && learn.training { throw Failure() } }
    }
    let root = Toy.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let tb = TensorBoardCallback(runDirectory: root + "/sgd-seed1", hparams: ["optimizer": "sgd"], differingHParams: [])
    let learn = Toy.learner(metrics: [AvgMetric.accuracy()])
    #expect(throws: FailSecondEpoch.Failure.self) { try learn.fit(3, lr: 1e-2, callbacks: [tb, FailSecondEpoch()]) }
    #expect(tb.writer == nil)
    let read = try EventFileReader.read(path: try #require(try Self.eventFiles(root + "/sgd-seed1").first))
    #expect(!read.truncatedTail)
    #expect(Self.scalars(read.events, "valid_loss").map(\.step) == [4])
    #expect(Self.scalars(read.events, "train_loss").count == 4)  // epoch 0's 4 batches
    let end = try #require(Self.plugin(read.events, HParamsSummary.sessionEndTag))
    let info = try #require(try ProtoReader.fields(end[...]).first { $0.field == 4 }?.value.data)
    #expect(try ProtoReader.fields(info).first { $0.field == 1 }?.value.integer == HParamsSummary.Status.failure.rawValue)
  }

  @Test func theLRFinderCurveIsARunOfItsOwn() throws {
    let root = Toy.temporaryDirectory()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let learn = Toy.learner()
    let found = try learn.lrFind(numIt: 12)
    try found.writeTensorBoard(runDirectory: root + "/lr_find-adam-seed1")
    let events = try EventFileReader.read(path: try #require(try Self.eventFiles(root + "/lr_find-adam-seed1").first)).events
    #expect(Self.scalars(events, "lr_find/lr").map(\.value) == found.lrs.map { Float($0) })
    #expect(Self.scalars(events, "lr_find/loss").map(\.value) == found.losses.map { Float($0) })
    #expect(Self.scalars(events, "lr_find/loss").map(\.step) == Array(1...Int64(found.losses.count)))
  }
}
