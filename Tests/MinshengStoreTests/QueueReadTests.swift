import Foundation
import MinshengCore
import MinshengStore
import MinshengTestSupport
import Testing

/// Queue pages read only the columns a row shows. What they read must be what the whole message says.
@Suite struct QueueReadTests {
  @Test(arguments: TestDatabase.available)
  func everyQueueRead_isTheSummaryOfTheWholeMessage(db: TestDatabase) async throws {
    try await db.withStore { (store: Store) async throws in
      let world = try await SeededWorld.create(in: store)
      var ids: [UUID] = []
      for index in 0..<10 {
        let input = Fixtures.newMessage(
          title: "第\(index + 1)件：夜间施工噪音", leader: world.secretary.id, urgent: index == 0)
        ids.append(try await store.submit(input, at: Fixtures.now.addingTimeInterval(Double(index) * 60)).message.id)
      }
      // Two stay new (the older one urgent); two assigned with an assisting unit; two accepted; one
      // accepted with an extension asked for; one assigned to another unit; two returned by the unit.
      let at = Fixtures.now.addingTimeInterval(3_600)
      for id in ids[2..<7] {
        _ = try await store.perform(
          .assign(lead: world.housing.id, assisting: [world.market.id], instruction: "请核查"), on: id,
          by: world.dispatcher, at: at)
      }
      _ = try await store.perform(.assign(lead: world.education.id), on: ids[7], by: world.dispatcher, at: at)
      for id in ids[4..<7] { _ = try await store.perform(.accept(), on: id, by: world.housingHandler, at: at) }
      _ = try await store.perform(
        .requestExtension(workingDays: 5, reason: "需现场复测"), on: ids[6], by: world.housingHandler, at: at)
      for id in ids[8..<10].reversed() {
        _ = try await store.perform(.assign(lead: world.housing.id), on: id, by: world.dispatcher, at: at)
        _ = try await store.perform(
          .returnToDispatcher(reason: "不属于本单位职责"), on: id, by: world.housingHandler, at: at)
      }

      var whole: [UUID: Message] = [:]
      for id in ids { whole[id] = try await store.message(id) }
      #expect(whole.count == ids.count)
      let calendar = store.rules.calendar
      func check(_ read: [CaseSummary], _ expected: ArraySlice<UUID>, _ comment: Comment) {
        #expect(Set(read.map(\.id)) == Set(expected), comment)
        for summary in read {
          let message = whole[summary.id]
          #expect(summary == message?.summary, comment)
          // The queue's deadline is the one the whole message has, at any moment.
          for hours: Double in [0, 30, 24 * 8, 24 * 30] {
            let now = at.addingTimeInterval(hours * 3_600)
            #expect(
              DeadlineStatus.of(summary, at: now, calendar: calendar)
                == message.map { DeadlineStatus.of($0, at: now, calendar: calendar) }, comment)
          }
        }
      }

      let office = world.petitionOffice.id
      let new = try await store.cases(dispatchedBy: office, status: .received)
      check(new, ids[0..<2], "交办池")
      #expect(new.map(\.id) == [ids[0], ids[1]], "urgent first")
      #expect(new.first?.urgent == true)
      #expect(whole[ids[2]]?.assistingUnitIDs == [world.market.id])
      check(try await store.cases(ledBy: world.housing.id, status: .assigned), ids[2..<4], "待签收")
      check(try await store.cases(ledBy: world.housing.id, status: .accepted), ids[4..<6], "办理中")
      check(try await store.cases(ledBy: world.housing.id, status: .extensionRequested), ids[6..<7], "延期")
      let returned = try await store.cases(ledBy: world.housing.id, status: .returned)
      check(returned, ids[8..<10], "退回")
      #expect(returned.map(\.id) == [ids[8], ids[9]], "returned cases oldest first")
      #expect(try await store.cases(ledBy: world.housing.id, status: .returned, offset: 1).map(\.id) == [ids[9]])
      #expect(try await store.cases(ledBy: world.market.id, status: .returned).isEmpty)
      check(try await store.cases(assistedBy: world.market.id), ids[2..<7], "协办")
      let due = try await store.casesDue(before: Fixtures.now.addingTimeInterval(400 * 86_400))
      check(due, ids[2..<8], "督办台")
    }
  }
}
