import Foundation
import MinshengCore
import MinshengStore

extension AdminSections {
  /// 接口密钥: the Open311 keys of partner systems (the county app, 12345's system …), each scoped to a
  /// channel and revocable;
  /// a key is shown once, when it is issued, and stored as its SHA-256 only.
  func keys() async throws -> ([AdminTable], [AdminForm]) {
    let section = Section.keys
    let table = AdminTable(
      id: "keys", title: text("admin_keys_table"), headers: headers(["name", "channel", "created_at", "state"]),
      rows: try await store.open311Keys().map { key in
        let id = key.id.uuidString.lowercased()
        return AdminRow(
          id: id,
          cells: [
            key.name, language.name(key.channel) + (key.verifiesPhones ? text("admin_key_verifies_mark") : ""),
            language.dateTime(key.createdAt),
            key.revokedAt.map { text("admin_key_revoked", ["when": .plain(language.dateTime($0))]) }
              ?? text("admin_key_active"),
          ],
          forms: key.revokedAt != nil
            ? []
            : [
              AdminForm(
                id: "key-" + id, title: text("admin_key_revoke"), action: section.change("revoke", key.id),
                submit: text("admin_key_confirm_revoke"), danger: true, fields: [])
            ])
      })
    let add = AdminForm(
      id: "key-add", title: text("admin_add_key"), action: section.change("add"), isAdd: true,
      submit: text("admin_key_issue"),
      fields: [
        .text("name", text("admin_field_name"), "", required: true, maxlength: 100),
        .select(
          "channel", text("admin_field_channel"),
          Open311Key.channels.map { Option(value: $0.rawValue, label: language.name($0), selected: $0 == .app) },
          required: true, hint: text("admin_key_channel_hint")),
        {
          var field = AdminField.checkbox("verifies_phones", text("admin_field_verifies_phones"), checked: false)
          field.hint = text("admin_hint_verifies_phones")
          return field
        }(),
      ])
    return ([table], [add])
  }

  /// 回调地址: the webhooks of other systems, each with how its deliveries stand; the secret a webhook's
  /// deliveries are signed with is shown once, when it is registered.
  func webhooks() async throws -> ([AdminTable], [AdminForm]) {
    let section = Section.webhooks
    var rows: [AdminRow] = []
    for hook in try await store.webhooks() {
      let id = hook.id.uuidString.lowercased()
      let status = try await store.webhookStatus(hook.id)
      rows.append(
        AdminRow(
          id: id,
          cells: [
            hook.url, hook.events.isEmpty ? text("admin_webhook_all") : hook.events.joined(separator: ", "),
            language.dateTime(hook.createdAt),
            text(
              "admin_webhook_status",
              [
                "delivered": .number(status.delivered), "waiting": .number(status.waiting),
                "failed": .number(status.failed),
                "last": .plain(status.lastDeliveredAt.map(language.dateTime) ?? "—"),
              ]),
            status.lastError ?? "—",
          ],
          forms: [
            AdminForm(
              id: "webhook-" + id, title: text("admin_delete"), action: section.change("delete", hook.id),
              submit: text("admin_confirm_delete"), danger: true, fields: [])
          ]))
    }
    let table = AdminTable(
      id: "webhooks", title: text("admin_webhooks_table"),
      headers: headers(["url", "events", "registered_at", "deliveries", "last_error"]), rows: rows)
    let add = AdminForm(
      id: "webhook-add", title: text("admin_add_webhook"), action: section.change("add"), isAdd: true,
      submit: text("admin_add"),
      fields: [
        .text("url", text("admin_field_url"), "", required: true, maxlength: 500),
        .text(
          "events", text("admin_field_events"), "", maxlength: 500,
          hint: text("admin_webhook_events_hint", ["kinds": .plain(Store.webhookEventKinds.joined(separator: ", "))])),
      ])
    return ([table], [add])
  }
}
