import Foundation

/// 图片元数据: what an uploaded image carries besides its pixels — the camera, the time, often the
/// place where it was taken (GPS) — removed before it is stored, so that a public image shows the
/// matter and nothing about its author. The pixels are not touched (no re-encoding).
///
/// - JPEG: every APPn segment but JFIF (APP0), the colour profile (APP2 `ICC_PROFILE`) and Adobe's
///   colour transform (APP14), and every comment, are dropped; an EXIF orientation other than the
///   default is kept in a minimal EXIF segment of its own, so the photo is not shown on its side.
///   Anything after the end of the image is dropped.
/// - PNG: the text chunks (`tEXt`, `zTXt`, `iTXt`), `eXIf` and `tIME` are dropped.
/// - WebP: the `EXIF` and `XMP ` chunks are dropped and their flags cleared.
///
/// An image whose structure cannot be followed to its end is refused: what cannot be read cannot be
/// known to be clean.
public enum ImageMetadata {
  /// The image without its metadata; nil when its structure is broken.
  public static func stripped(_ data: Data, type: String) -> Data? {
    let bytes = [UInt8](data)
    let result: [UInt8]? =
      switch type {
      case "image/jpeg": jpeg(bytes)
      case "image/png": png(bytes)
      case "image/webp": webp(bytes)
      default: nil
      }
    return result.map { Data($0) }
  }

  // MARK: JPEG

  static func jpeg(_ bytes: [UInt8]) -> [UInt8]? {
    guard bytes.count >= 4, bytes[0] == 0xFF, bytes[1] == 0xD8 else { return nil }
    var out: [UInt8] = [0xFF, 0xD8]
    var orientation: UInt16?
    var index = 2
    var wroteOrientation = false
    while index < bytes.count {
      guard bytes[index] == 0xFF else { return nil }
      var markerIndex = index + 1
      while markerIndex < bytes.count, bytes[markerIndex] == 0xFF { markerIndex += 1 }  // fill bytes
      guard markerIndex < bytes.count else { return nil }
      let marker = bytes[markerIndex]
      index = markerIndex + 1
      if marker == 0xD9 {  // end of image: anything after it is not the image
        out += [0xFF, 0xD9]
        return out
      }
      if (0xD0...0xD7).contains(marker) || marker == 0x01 {  // no length, nothing to copy
        out += [0xFF, marker]
        continue
      }
      guard index + 2 <= bytes.count else { return nil }
      let length = Int(bytes[index]) << 8 | Int(bytes[index + 1])
      guard length >= 2, index + length <= bytes.count else { return nil }
      let segment = Array(bytes[index..<(index + length)])
      index += length
      let payload = segment.dropFirst(2)
      switch marker {
      case 0xE1:
        if payload.starts(with: Array("Exif\0\0".utf8)) { orientation = exifOrientation(Array(payload.dropFirst(6))) }
        continue
      case 0xE0, 0xEE:
        break
      case 0xE2 where payload.starts(with: Array("ICC_PROFILE\0".utf8)):
        break
      case 0xE2...0xEF, 0xFE:
        continue
      default:
        break
      }
      if !wroteOrientation, marker != 0xE0, let value = orientation, value != 1 {
        out += minimalExif(orientation: value)
        wroteOrientation = true
      }
      out += [0xFF, marker] + segment
      if marker == 0xDA {  // start of scan: entropy-coded data up to the next marker
        guard let end = scanEnd(bytes, from: index) else { return nil }
        out += bytes[index..<end]
        index = end
      }
    }
    return nil  // no end-of-image marker
  }

  /// Where the entropy-coded data that starts at `start` ends: the first marker that is not a
  /// stuffed byte or a restart.
  static func scanEnd(_ bytes: [UInt8], from start: Int) -> Int? {
    var index = start
    while index + 1 < bytes.count {
      if bytes[index] == 0xFF {
        let next = bytes[index + 1]
        if next == 0x00 || (0xD0...0xD7).contains(next) || next == 0xFF {
          index += next == 0xFF ? 1 : 2
          continue
        }
        return index
      }
      index += 1
    }
    return nil
  }

  /// The orientation tag (0x0112) of IFD0 in a TIFF structure, when it is there and readable.
  static func exifOrientation(_ tiff: [UInt8]) -> UInt16? {
    guard tiff.count >= 8 else { return nil }
    let little = tiff[0] == 0x49 && tiff[1] == 0x49
    guard little || (tiff[0] == 0x4D && tiff[1] == 0x4D) else { return nil }
    func u16(_ at: Int) -> UInt16? {
      guard at + 2 <= tiff.count else { return nil }
      return little ? UInt16(tiff[at]) | UInt16(tiff[at + 1]) << 8 : UInt16(tiff[at]) << 8 | UInt16(tiff[at + 1])
    }
    func u32(_ at: Int) -> Int? {
      guard let high = u16(little ? at + 2 : at), let low = u16(little ? at : at + 2) else { return nil }
      return Int(high) << 16 | Int(low)
    }
    guard let ifd = u32(4), let count = u16(ifd) else { return nil }
    for entry in 0..<Int(count) {
      let at = ifd + 2 + entry * 12
      guard let tag = u16(at) else { return nil }
      if tag == 0x0112, let value = u16(at + 8), (1...8).contains(value) { return value }
    }
    return nil
  }

  /// An APP1 segment with an EXIF structure holding only the orientation.
  static func minimalExif(orientation: UInt16) -> [UInt8] {
    let tiff: [UInt8] = [
      0x49, 0x49, 0x2A, 0x00, 0x08, 0x00, 0x00, 0x00,  // little-endian TIFF, IFD0 at 8
      0x01, 0x00,  // one entry
      0x12, 0x01, 0x03, 0x00, 0x01, 0x00, 0x00, 0x00,  // orientation, SHORT, count 1
      UInt8(orientation & 0xFF), UInt8(orientation >> 8), 0x00, 0x00,
      0x00, 0x00, 0x00, 0x00,  // no next IFD
    ]
    let payload = Array("Exif\0\0".utf8) + tiff
    let length = payload.count + 2
    return [0xFF, 0xE1, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
  }

  // MARK: PNG

  static let pngDropped: Set<String> = ["tEXt", "zTXt", "iTXt", "eXIf", "tIME"]

  static func png(_ bytes: [UInt8]) -> [UInt8]? {
    let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    guard bytes.count >= 8, Array(bytes[0..<8]) == signature else { return nil }
    var out = signature
    var index = 8
    while index + 12 <= bytes.count {
      let length =
        Int(bytes[index]) << 24 | Int(bytes[index + 1]) << 16 | Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
      guard length >= 0, index + 12 + length <= bytes.count else { return nil }
      let type = String(decoding: bytes[(index + 4)..<(index + 8)], as: UTF8.self)
      let end = index + 12 + length
      if !pngDropped.contains(type) { out += bytes[index..<end] }
      index = end
      if type == "IEND" { return out }
    }
    return nil  // no IEND
  }

  // MARK: WebP

  static func webp(_ bytes: [UInt8]) -> [UInt8]? {
    guard bytes.count >= 12, Array(bytes[0..<4]) == Array("RIFF".utf8), Array(bytes[8..<12]) == Array("WEBP".utf8)
    else { return nil }
    func u32(_ at: Int) -> Int {
      Int(bytes[at]) | Int(bytes[at + 1]) << 8 | Int(bytes[at + 2]) << 16 | Int(bytes[at + 3]) << 24
    }
    let riffEnd = 8 + u32(4)
    guard riffEnd <= bytes.count else { return nil }
    var chunks: [UInt8] = []
    var index = 12
    while index + 8 <= riffEnd {
      let type = String(decoding: bytes[index..<(index + 4)], as: UTF8.self)
      let size = u32(index + 4)
      let end = index + 8 + size + (size & 1)
      guard end <= riffEnd || (end == riffEnd + 1 && size & 1 == 1) else { return nil }
      if type != "EXIF" && type != "XMP " {
        var chunk = Array(bytes[index..<min(end, riffEnd)])
        if chunk.count < end - index { chunk.append(0) }
        if type == "VP8X", chunk.count >= 9 { chunk[8] &= ~UInt8(0x0C) }  // no EXIF, no XMP
        chunks += chunk
      }
      index = end
    }
    guard index >= riffEnd else { return nil }
    let size = 4 + chunks.count
    return Array("RIFF".utf8) + [
      UInt8(size & 0xFF), UInt8(size >> 8 & 0xFF), UInt8(size >> 16 & 0xFF), UInt8(size >> 24),
    ]
      + Array("WEBP".utf8) + chunks
  }
}
