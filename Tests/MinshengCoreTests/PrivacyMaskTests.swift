import MinshengCore
import Testing

@Suite struct PrivacyMaskTests {
  @Test(arguments: [
    ("我的电话13800138000，请回电", "我的电话138****8000，请回电"),
    ("电话 138-0013-8000", "电话 138******8000"),
    ("身份证510102199001011234号", "身份证5101************34号"),
    ("身份证51010219900101123X", "身份证5101************3X"),
    ("邮箱 gu.nvshi@example.com 联系", "邮箱 g***@example.com 联系"),
    ("车牌渝A12345违停", "车牌渝A***45违停"),
    ("新能源车粤B12345D", "新能源车粤B****5D"),
  ])
  func personalNumbers_areMaskedInPublicText(input: String, expected: String) {
    #expect(PrivacyMask.mask(input) == expected)
  }

  @Test func ordinaryNumbers_stay() {
    for text in ["3号楼2单元1801室", "2026年3月4日晚上11点", "编号2026-000123", "12345热线", "电话023-63881234"] {
      #expect(PrivacyMask.mask(text) == text)
    }
  }
}
