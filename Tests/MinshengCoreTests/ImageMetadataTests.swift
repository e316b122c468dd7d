import Foundation
import Testing

@testable import MinshengCore

/// Uploaded images lose what they say about their author (camera, time, GPS), keep their pixels and
/// the way they stand, and lose anything hidden after their end.
@Suite struct ImageMetadataTests {
  static func segment(_ marker: UInt8, _ payload: [UInt8]) -> [UInt8] {
    let length = payload.count + 2
    return [0xFF, marker, UInt8(length >> 8), UInt8(length & 0xFF)] + payload
  }

  /// EXIF with IFD0 holding the orientation (6: turned right) and a GPS pointer, big-endian.
  static let exif: [UInt8] =
    Array("Exif\0\0".utf8) + [0x4D, 0x4D, 0x00, 0x2A, 0x00, 0x00, 0x00, 0x08, 0x00, 0x02]
    + [0x01, 0x12, 0x00, 0x03, 0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x00, 0x00]
    + [0x88, 0x25, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x26]
    + [0x00, 0x00, 0x00, 0x00] + Array("GPS 29.5630N 106.5516E".utf8)

  static let scan: [UInt8] = [0x12, 0xFF, 0x00, 0x34, 0xFF, 0xD0, 0x56]

  static let jpeg: [UInt8] =
    [0xFF, 0xD8] + segment(0xE0, Array("JFIF\0".utf8) + [1, 1, 0, 0, 1, 0, 1, 0, 0])
    + segment(0xE1, exif) + segment(0xED, Array("Photoshop 3.0\0 IPTC author".utf8))
    + segment(0xFE, Array("taken at home".utf8)) + segment(0xDB, [0x00] + [UInt8](repeating: 1, count: 64))
    + segment(0xC0, [8, 0, 1, 0, 1, 1, 1, 0x11, 0]) + segment(0xDA, [1, 1, 0, 0, 0x3F, 0]) + scan + [0xFF, 0xD9]

  @Test func aJPEG_losesItsMetadata_keepsItsOrientation_andEndsWhereTheImageEnds() throws {
    let polyglot = Data(Self.jpeg + Array("<script>alert(1)</script>".utf8))
    let clean = try #require(ImageMetadata.stripped(polyglot, type: "image/jpeg"))
    let text = String(decoding: clean, as: UTF8.self)
    for secret in ["GPS", "IPTC", "taken at home", "<script>"] { #expect(!text.contains(secret), "\(secret)") }
    let bytes = [UInt8](clean)
    #expect(Array(bytes.prefix(2)) == [0xFF, 0xD8] && Array(bytes.suffix(2)) == [0xFF, 0xD9])
    // The JFIF header, the tables, the frame and the scan are as they were.
    for kept in [Self.segment(0xDB, [0x00] + [UInt8](repeating: 1, count: 64)), Self.scan] {
      #expect(bytes.firstRange(of: kept) != nil)
    }
    // The orientation survives in an EXIF segment of its own.
    let minimal = ImageMetadata.minimalExif(orientation: 6)
    #expect(bytes.firstRange(of: minimal) != nil)
    #expect(ImageMetadata.exifOrientation(Array(minimal.dropFirst(10))) == 6)
    // Stripping again changes nothing.
    #expect(ImageMetadata.stripped(clean, type: "image/jpeg") == clean)
  }

  @Test func aTruncatedOrBrokenImage_isRefused() {
    let jpeg = Data(Self.jpeg)
    #expect(ImageMetadata.stripped(jpeg.prefix(jpeg.count - 2), type: "image/jpeg") == nil, "no end of image")
    #expect(ImageMetadata.stripped(jpeg.prefix(40), type: "image/jpeg") == nil)
    #expect(ImageMetadata.stripped(Data([0xFF, 0xD8, 0x00, 0x01]), type: "image/jpeg") == nil)
    #expect(
      ImageMetadata.stripped(Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 1, 2]), type: "image/png") == nil)
    #expect(ImageMetadata.stripped(Data("RIFF\u{10}\0\0\0WEBPVP8 ".utf8), type: "image/webp") == nil)
  }

  static func chunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
    let n = data.count
    return [UInt8(n >> 24), UInt8(n >> 16 & 0xFF), UInt8(n >> 8 & 0xFF), UInt8(n & 0xFF)] + Array(type.utf8) + data
      + [0, 0, 0, 0]
  }

  @Test func aPNG_losesItsTextAndTime_andKeepsItsPixels() throws {
    let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    let header = Self.chunk("IHDR", [0, 0, 0, 1, 0, 0, 0, 1, 8, 2, 0, 0, 0])
    let pixels = Self.chunk("IDAT", [0x78, 0x9C, 1, 2, 3])
    let png =
      signature + header + Self.chunk("tEXt", Array("Author\0顾秀英".utf8)) + Self.chunk("eXIf", Self.exif)
      + Self.chunk("tIME", [7, 234, 12, 6, 1, 2, 3]) + pixels + Self.chunk("IEND", []) + Array("trailing".utf8)
    let clean = try #require(ImageMetadata.stripped(Data(png), type: "image/png"))
    #expect([UInt8](clean) == signature + header + pixels + Self.chunk("IEND", []))
  }

  @Test func aWebP_losesItsEXIFAndXMP_andItsFlagsSaySo() throws {
    func riffChunk(_ type: String, _ data: [UInt8]) -> [UInt8] {
      let n = data.count
      return Array(type.utf8) + [UInt8(n & 0xFF), UInt8(n >> 8 & 0xFF), 0, 0] + data + (n % 2 == 1 ? [0] : [])
    }
    let vp8x = riffChunk("VP8X", [0x0C, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    let image = riffChunk("VP8L", [0x2F, 0, 0, 0, 0x10])
    let body = vp8x + image + riffChunk("EXIF", Self.exif) + riffChunk("XMP ", Array("<x:xmpmeta/>".utf8))
    let size = 4 + body.count
    let webp = Array("RIFF".utf8) + [UInt8(size & 0xFF), UInt8(size >> 8 & 0xFF), 0, 0] + Array("WEBP".utf8) + body
    let clean = [UInt8](try #require(ImageMetadata.stripped(Data(webp), type: "image/webp")))
    var expectedHeader = vp8x
    expectedHeader[8] = 0
    let expectedSize = 4 + expectedHeader.count + image.count
    #expect(
      clean
        == Array("RIFF".utf8) + [UInt8(expectedSize & 0xFF), UInt8(expectedSize >> 8 & 0xFF), 0, 0] + Array("WEBP".utf8)
        + expectedHeader + image)
  }
}
