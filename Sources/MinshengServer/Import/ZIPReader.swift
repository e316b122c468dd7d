import CZlib
import Foundation

/// A ZIP archive read from its central directory (APPNOTE 6.3: stored and deflated entries, ZIP64),
/// each entry streamed through zlib and checked against its CRC-32, never held whole.
final class ZIPReader {
  struct Entry {
    var name: String
    var method: UInt16
    var crc: UInt32
    var compressedSize: Int
    var size: Int
    var localOffset: Int
  }

  let path: String
  private let handle: FileHandle
  let fileSize: Int
  private(set) var entries: [String: Entry] = [:]

  init(path: String) throws(ImportFileError) {
    self.path = path
    guard let handle = FileHandle(forReadingAtPath: path) else {
      throw ImportFileError(file: path, line: nil, reason: say("cli_unreadable", ["path": .plain(path)]))
    }
    self.handle = handle
    fileSize = Int((try? handle.seekToEnd()) ?? 0)
    do {
      try readDirectory()
    } catch {
      throw ImportFileError(file: path, line: nil, reason: say("cli_xlsx_not_zip"))
    }
  }

  deinit { try? handle.close() }

  /// Bytes at an offset, exactly `count` of them.
  func bytes(at offset: Int, count: Int) throws -> [UInt8] {
    guard offset >= 0, count >= 0, offset + count <= fileSize else { throw ZIPFormatError() }
    try handle.seek(toOffset: UInt64(offset))
    let data = try handle.read(upToCount: count) ?? Data()
    guard data.count == count else { throw ZIPFormatError() }
    return [UInt8](data)
  }

  private func readDirectory() throws {
    // The end-of-central-directory record is in the last 64 KiB + 22 bytes (its comment's room).
    let tailSize = min(fileSize, 65_557)
    let tail = try bytes(at: fileSize - tailSize, count: tailSize)
    guard tailSize >= 22,
      let end = stride(from: tailSize - 22, through: 0, by: -1).first(where: { tail.le32($0) == 0x0605_4b50 })
    else { throw ZIPFormatError() }
    var count = Int(tail.le16(end + 10))
    var directorySize = Int(tail.le32(end + 12))
    var directoryOffset = Int(tail.le32(end + 16))
    if count == 0xFFFF || directoryOffset == 0xFFFF_FFFF || directorySize == 0xFFFF_FFFF {
      // ZIP64: a locator just before the record points to the ZIP64 record.
      guard end >= 20, tail.le32(end - 20) == 0x0706_4b50 else { throw ZIPFormatError() }
      let record = try bytes(at: Int(tail.le64(end - 12)), count: 56)
      guard record.le32(0) == 0x0606_4b50 else { throw ZIPFormatError() }
      count = Int(record.le64(32))
      directorySize = Int(record.le64(40))
      directoryOffset = Int(record.le64(48))
    }
    guard count <= 100_000, directorySize <= 64 << 20 else { throw ZIPFormatError() }
    let directory = try bytes(at: directoryOffset, count: directorySize)
    var at = 0
    for _ in 0..<count {
      guard at + 46 <= directory.count, directory.le32(at) == 0x0201_4b50 else { throw ZIPFormatError() }
      let nameLength = Int(directory.le16(at + 28))
      let extraLength = Int(directory.le16(at + 30))
      let commentLength = Int(directory.le16(at + 32))
      guard at + 46 + nameLength + extraLength + commentLength <= directory.count else { throw ZIPFormatError() }
      var entry = Entry(
        name: String(decoding: directory[(at + 46)..<(at + 46 + nameLength)], as: UTF8.self),
        method: directory.le16(at + 10), crc: directory.le32(at + 16),
        compressedSize: Int(directory.le32(at + 20)), size: Int(directory.le32(at + 24)),
        localOffset: Int(directory.le32(at + 42)))
      Self.applyZIP64(Array(directory[(at + 46 + nameLength)..<(at + 46 + nameLength + extraLength)]), to: &entry)
      entries[entry.name] = entry
      at += 46 + nameLength + extraLength + commentLength
    }
  }

  /// A ZIP64 extra field (id 1) holds the sizes and offset that did not fit in 32 bits, in this order.
  private static func applyZIP64(_ extra: [UInt8], to entry: inout Entry) {
    var at = 0
    while at + 4 <= extra.count {
      let id = extra.le16(at)
      let size = Int(extra.le16(at + 2))
      guard id == 1 else {
        at += 4 + size
        continue
      }
      var field = at + 4
      func next() -> Int? {
        guard field + 8 <= at + 4 + size, field + 8 <= extra.count else { return nil }
        defer { field += 8 }
        return Int(extra.le64(field))
      }
      if entry.size == 0xFFFF_FFFF, let value = next() { entry.size = value }
      if entry.compressedSize == 0xFFFF_FFFF, let value = next() { entry.compressedSize = value }
      if entry.localOffset == 0xFFFF_FFFF, let value = next() { entry.localOffset = value }
      return
    }
  }

  /// An entry's content streamed in pieces.
  func stream(_ name: String) throws(ImportFileError) -> ZIPEntryStream {
    guard let entry = entries[name] else {
      throw ImportFileError(file: path, line: nil, reason: say("cli_xlsx_part", ["part": .plain(name)]))
    }
    do {
      let local = try bytes(at: entry.localOffset, count: 30)
      guard local.le32(0) == 0x0403_4b50, entry.method == 0 || entry.method == 8 else { throw ZIPFormatError() }
      let start = entry.localOffset + 30 + Int(local.le16(26)) + Int(local.le16(28))
      guard start + entry.compressedSize <= fileSize else { throw ZIPFormatError() }
      return try ZIPEntryStream(reader: self, entry: entry, start: start)
    } catch {
      throw ImportFileError(file: path, line: nil, reason: say("cli_xlsx_corrupt", ["part": .plain(name)]))
    }
  }

  /// A small entry whole (a workbook's list of sheets, its styles), at most `limit` bytes.
  func data(_ name: String, limit: Int = 16 << 20) throws(ImportFileError) -> [UInt8]? {
    guard entries[name] != nil else { return nil }
    var stream = try stream(name)
    var content: [UInt8] = []
    while let piece = try stream.next() {
      content += piece
      guard content.count <= limit else {
        throw ImportFileError(file: path, line: nil, reason: say("cli_xlsx_corrupt", ["part": .plain(name)]))
      }
    }
    return content
  }
}

struct ZIPFormatError: Error {}

/// One entry's bytes, inflated 64 KiB of input at a time; the last piece is checked against the
/// entry's size and CRC-32, so a damaged archive is refused rather than read as other text.
struct ZIPEntryStream {
  private let reader: ZIPReader
  private let entry: ZIPReader.Entry
  private let start: Int
  private var consumed = 0
  private var produced = 0
  private var crc = crc32(0, nil, 0)
  private let inflater: Inflater?
  private var finished = false

  fileprivate init(reader: ZIPReader, entry: ZIPReader.Entry, start: Int) throws {
    self.reader = reader
    self.entry = entry
    self.start = start
    inflater = entry.method == 8 ? try Inflater() : nil
  }

  /// How much of the entry's compressed bytes have been read, from 0 to 1.
  var fraction: Double { entry.compressedSize == 0 ? 1 : Double(consumed) / Double(entry.compressedSize) }

  mutating func next() throws(ImportFileError) -> [UInt8]? {
    do {
      return try piece()
    } catch {
      throw ImportFileError(file: reader.path, line: nil, reason: say("cli_xlsx_corrupt", ["part": .plain(entry.name)]))
    }
  }

  private mutating func piece() throws -> [UInt8]? {
    while !finished {
      let input = try reader.bytes(at: start + consumed, count: min(65_536, entry.compressedSize - consumed))
      consumed += input.count
      let output: [UInt8]
      if let inflater {
        output = try inflater.inflate(input, last: consumed == entry.compressedSize)
        if inflater.ended, consumed < entry.compressedSize { throw ZIPFormatError() }
      } else {
        output = input
      }
      produced += output.count
      crc = output.withUnsafeBufferPointer { crc32(crc, $0.baseAddress, uInt($0.count)) }
      guard produced <= entry.size else { throw ZIPFormatError() }
      if consumed == entry.compressedSize {
        finished = true
        guard produced == entry.size, UInt32(crc) == entry.crc, inflater?.ended ?? true else { throw ZIPFormatError() }
      }
      if !output.isEmpty { return output }
    }
    return nil
  }
}

/// zlib's raw inflate (no header, as ZIP stores deflate). The stream lives at a fixed address, as
/// zlib requires.
private final class Inflater {
  private let stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
  private(set) var ended = false

  init() throws {
    stream.initialize(to: z_stream())
    guard inflateInit2_(stream, -MAX_WBITS, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
      stream.deallocate()
      throw ZIPFormatError()
    }
  }

  deinit {
    inflateEnd(stream)
    stream.deallocate()
  }

  func inflate(_ input: [UInt8], last: Bool) throws -> [UInt8] {
    var output: [UInt8] = []
    var input = input
    try input.withUnsafeMutableBufferPointer { source in
      stream.pointee.next_in = source.baseAddress
      stream.pointee.avail_in = uInt(source.count)
      var buffer = [UInt8](repeating: 0, count: 262_144)
      repeat {
        let status = buffer.withUnsafeMutableBufferPointer { target in
          stream.pointee.next_out = target.baseAddress
          stream.pointee.avail_out = uInt(target.count)
          return CZlib.inflate(stream, Z_NO_FLUSH)
        }
        let made = buffer.count - Int(stream.pointee.avail_out)
        output += buffer[0..<made]
        switch status {
        case Z_STREAM_END: ended = true
        case Z_OK: break
        case Z_BUF_ERROR where made == 0: return  // needs more input
        default: throw ZIPFormatError()
        }
        if ended { break }
      } while stream.pointee.avail_in > 0 || stream.pointee.avail_out == 0
      stream.pointee.next_in = nil
    }
    if last, !ended { throw ZIPFormatError() }
    return output
  }
}

extension [UInt8] {
  fileprivate func le16(_ at: Int) -> UInt16 { UInt16(self[at]) | UInt16(self[at + 1]) << 8 }
  fileprivate func le32(_ at: Int) -> UInt32 { UInt32(le16(at)) | UInt32(le16(at + 2)) << 16 }
  fileprivate func le64(_ at: Int) -> UInt64 { UInt64(le32(at)) | UInt64(le32(at + 4)) << 32 }
}
