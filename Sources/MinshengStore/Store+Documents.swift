import Foundation
import MinshengCore

/// Document files: the policy an adoption step issued, a campaign's notice. Each is checked by its
/// content and written in the transaction of the step that publishes it (or, for a campaign, with its
/// reference change).
public struct StoredDocument: Sendable, Equatable {
  public var info: DocumentInfo
  /// `adoption` or `campaign`.
  public var ownerKind: String
  public var data: Data
}

extension Store {
  /// The statement that stores a checked document for an owner.
  static func documentInsert(
    _ file: DocumentFile, type: String, id: UUID, owner: (kind: String, id: UUID), at now: Date
  ) -> SQLFragment {
    SQLFragment(
      """
      INSERT INTO documents (id, owner_kind, owner_id, file_name, content_type, byte_count, sha256, data, created_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
      """,
      [
        .uuid(id), .text(owner.kind), .uuid(owner.id), .text(file.fileName), .text(type),
        .integer(Int64(file.data.count)), .text(Hashing.sha256Hex(file.data)), .blob(file.data), .date(now),
      ])
  }

  /// 征集活动的附件: an administrator publishes a file with a campaign (its notice, a form to fill),
  /// recorded among the reference changes in the same transaction.
  @discardableResult
  public func addCampaignDocument(
    _ campaignID: UUID, _ file: DocumentFile, by actor: String, at now: Date
  ) async throws -> DocumentInfo {
    guard try await campaign(campaignID) != nil else { throw StoreError.notFound(.campaign) }
    let type = try file.checked(field: "file")
    let info = DocumentInfo(
      id: ids.newID(), ownerID: campaignID, fileName: file.fileName, contentType: type, byteCount: file.data.count,
      createdAt: now)
    try await reference.insert(
      ReferenceRow(
        table: .documents,
        values: [
          ("id", .uuid(info.id)), ("owner_kind", .text("campaign")), ("owner_id", .uuid(campaignID)),
          ("file_name", .text(info.fileName)), ("content_type", .text(type)),
          ("byte_count", .integer(Int64(info.byteCount))), ("sha256", .text(Hashing.sha256Hex(file.data))),
          ("data", .blob(file.data)), ("created_at", .date(now)),
        ], duplicate: nil),
      change: changeEntry(
        ReferenceChange(
          entity: "campaign_document", id: info.id,
          after: [
            "campaign": campaignID.uuidString, "file_name": info.fileName, "content_type": type,
            "sha256": Hashing.sha256Hex(file.data),
          ]), "create", by: actor, at: now))
    return info
  }

  /// The documents of owners (adoption steps, campaigns), oldest first, without their bytes.
  public func documents(of owners: [UUID]) async throws -> [UUID: [DocumentInfo]] {
    guard !owners.isEmpty else { return [:] }
    let marks = Array(repeating: "?", count: owners.count).joined(separator: ", ")
    let rows = try await search.runner.all(
      SQLFragment(
        """
        SELECT id, owner_id, file_name, content_type, byte_count, created_at FROM documents
        WHERE owner_id IN (\(marks)) ORDER BY created_at, id
        """, owners.map(StoreValue.uuid)),
      as: DocumentInfoRow.self)
    return Dictionary(grouping: rows.map(\.core), by: \.ownerID)
  }

  /// One document with its bytes, if it exists.
  public func document(_ id: UUID) async throws -> StoredDocument? {
    try await search.runner.all(
      SQLFragment("SELECT * FROM documents WHERE id = ?", [.uuid(id)]), as: DocumentRow.self
    ).first.map(\.core)
  }

  /// Whether the public may download a document: a campaign's always; an adoption step's when its
  /// suggestion is shown publicly.
  public func isDocumentPublic(_ document: StoredDocument) async throws -> Bool {
    switch document.ownerKind {
    case "campaign": return try await campaign(document.info.ownerID) != nil
    case "adoption":
      let owner = try await search.runner.all(
        SQLFragment("SELECT message_id FROM adoptions WHERE id = ?", [.uuid(document.info.ownerID)]),
        as: AdoptionOwnerRow.self
      ).first
      guard let owner, let message = try await message(owner.message_id) else { return false }
      return message.isShownPublicly
    default: return false
    }
  }
}

private struct DocumentInfoRow: Decodable, Sendable {
  var id: UUID
  var owner_id: UUID
  var file_name: String
  var content_type: String
  var byte_count: Int
  var created_at: Date

  var core: DocumentInfo {
    DocumentInfo(
      id: id, ownerID: owner_id, fileName: file_name, contentType: content_type, byteCount: byte_count,
      createdAt: created_at)
  }
}

private struct DocumentRow: Decodable, Sendable {
  var id: UUID
  var owner_kind: String
  var owner_id: UUID
  var file_name: String
  var content_type: String
  var byte_count: Int
  var data: Data
  var created_at: Date

  var core: StoredDocument {
    StoredDocument(
      info: DocumentInfo(
        id: id, ownerID: owner_id, fileName: file_name, contentType: content_type, byteCount: byte_count,
        createdAt: created_at), ownerKind: owner_kind, data: data)
  }
}

private struct AdoptionOwnerRow: Decodable, Sendable {
  var message_id: UUID
}
