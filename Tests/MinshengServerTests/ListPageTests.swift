import Foundation
import MinshengCore
import MinshengServer
import MinshengStore
import MinshengTestSupport
import Testing
import VaporTesting

/// The public list says how many messages match, shows the filters in use (each removable) and has
/// the 领导留言板's status tabs: 全部 / 待回复 / 办理中 / 已办结 (#22).
@Suite struct ListPageTests {
  @Test func everyStatus_hasOneStage_andAnsweredIsTheAnsweredOnes() {
    #expect(Set(PublicStage.allCases.flatMap(\.statuses)) == Set(Status.allCases))
    #expect(PublicStage.allCases.map(\.statuses.count).reduce(0, +) == Status.allCases.count)
    #expect(PublicStage.answered.statuses == Status.answered)
  }

  @Test(arguments: TestDatabase.available)
  func theList_countsTabsAndChips(db: TestDatabase) async throws {
    let site = PublicPagesTests()
    try await site.withSite(db) { app, store, world in
      try await site.repliedMessage(store, world, title: "滨江路工地夜间施工")
      try await site.repliedMessage(store, world, title: "解放路夜市噪音扰民")
      let waiting = try await store.submit(
        Fixtures.newMessage(title: "小区路灯不亮", leader: world.secretary.id), at: Fixtures.now
      ).message.id
      let handling = try await store.submit(
        Fixtures.newMessage(title: "菜市场占道经营", leader: world.secretary.id), at: Fixtures.now
      ).message.id
      try await store.perform(.assign(lead: world.market.id), on: handling, by: world.dispatcher, at: Fixtures.now)
      try await store.perform(.accept(), on: handling, by: world.marketHandler, at: Fixtures.now)
      _ = waiting

      let all = try await site.page(app, "/messages").1
      #expect(all.contains(#"<p class="count" id="count" role="status">共 4 条</p>"#))
      #expect(all.contains(#"<a href="/messages" aria-current="page">全部</a>"#))
      #expect(all.contains(#"<a href="/messages?stage=waiting">待回复</a>"#))
      #expect(!all.contains(#"class="chips""#), "no filter, no chips")

      let answered = try await site.page(app, "/messages?stage=answered").1
      #expect(answered.contains("共 2 条"))
      #expect(answered.contains(#"<a href="/messages?stage=answered" aria-current="page">已办结</a>"#))
      #expect(answered.contains("滨江路工地夜间施工") && !answered.contains("小区路灯不亮"))
      #expect(
        answered.contains(#"<input type="hidden" name="stage" value="answered">"#), "the filter form keeps the tab")
      let inHand = try await site.page(app, "/messages?stage=handling").1
      #expect(inHand.contains("共 1 条") && inHand.contains("菜市场占道经营"))
      let notYet = try await site.page(app, "/messages?stage=waiting").1
      #expect(notYet.contains("共 1 条") && notYet.contains("小区路灯不亮"))

      // A filter and words: each shown as a chip whose link drops it and keeps the rest, the tab too.
      let market = world.market.id.uuidString.lowercased()
      let filtered = try await site.page(app, "/messages?q=%E5%A4%9C&unit=\(market)&stage=answered").1
      #expect(filtered.contains(#"<p class="count" id="count" role="status">共"#), "a search is counted by its index")
      #expect(filtered.contains("<span>关键词：夜</span>"))
      #expect(
        filtered.contains(#"<a href="/messages?unit=\#(market)&amp;stage=answered" aria-label="去掉此条件：关键词：夜">✕</a>"#))
      #expect(filtered.contains("<span>办理单位：市市场监管局</span>"))
      #expect(
        filtered.contains(#"<a href="/messages?q=%E5%A4%9C&amp;stage=answered" aria-label="去掉此条件：办理单位：市市场监管局">✕</a>"#))
      #expect(filtered.contains(#"<a href="/messages?q=%E5%A4%9C&amp;unit=\#(market)">全部</a>"#))
      #expect(filtered.contains(#"<li><a href="/messages">清除全部条件</a></li>"#))
      // A tab that is not one is ignored, not an error.
      let (status, bogus, _) = try await site.page(app, "/messages?stage=%3Cscript%3E")
      #expect(status == .ok && bogus.contains("共 4 条") && !bogus.contains("<script>"))
    }
  }
}
