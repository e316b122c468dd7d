import Testing

@testable import MinshengText

@Suite struct NormalizerTests {
  @Test func fullWidthLettersAndDigits_becomeHalfWidthLowerCase() {
    #expect(Normalizer.normalize("ＡＢＣ１２３　噪音") == "abc123 噪音")
  }

  @Test func whiteSpaceRuns_collapseAndTrim() {
    #expect(Normalizer.normalize("  夜间\n\n施工\t噪音  ") == "夜间 施工 噪音")
  }

  @Test func digits_foldWhenAsked() {
    #expect(Normalizer.normalize("13800138000 号楼", foldDigits: true) == "00000000000 号楼")
    #expect(Normalizer.normalize("3号楼") == "3号楼")
  }

  @Test func characterNGrams_coverEachSizeAndSkipSpaces() {
    #expect(Normalizer.characterNGrams("噪 音扰", sizes: 1...2) == ["噪", "音", "扰", "噪音", "音扰"])
    #expect(Normalizer.characterNGrams("噪", sizes: 2...3).isEmpty)
  }
}
