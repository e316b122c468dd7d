import ArgumentParser
import Foundation
import MinshengCore
import MinshengStore

/// `minsheng user add|passwd|disable`: staff accounts.
struct UserCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "user", abstract: "Manage staff accounts.",
    subcommands: [UserAddCommand.self, UserPasswdCommand.self, UserDisableCommand.self])
}

/// Reads a password from standard input (one line), never from the command line.
func readPassword() throws -> String {
  guard let line = Swift.readLine(strippingNewline: true), !line.isEmpty else {
    throw ValidationError(say("cli_password_stdin"))
  }
  return line
}

struct UserAddCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "add", abstract: "Create a staff account; the password is read from standard input.")

  @Argument(help: "Username (3–32 letters, digits, . - _).")
  var name: String

  @ArgumentParser.Option(help: "dispatcher, handler, reviewer, supervisor or admin.")
  var role: String

  @ArgumentParser.Option(help: "The unit's code (required for dispatcher, handler and reviewer).")
  var unit: String?

  func run() async throws {
    guard let role = Role(rawValue: role) else {
      throw ValidationError(say("cli_unknown_role", ["role": .plain(self.role)]))
    }
    let password = try readPassword()
    let (name, unitCode) = (self.name, unit)
    try StaffAccount.validate(username: name, role: role, unitID: unitCode == nil ? nil : UUID(), password: password)
    let hash = try PasswordHashing().hash(password)
    try await withConfiguredStore { store, _ in
      var unitID: UUID?
      if let unitCode {
        guard let unit = try await store.unit(code: unitCode) else {
          throw ValidationError(say("cli_unknown_unit", ["code": .plain(unitCode)]))
        }
        unitID = unit.id
      }
      let account = try await store.createStaffAccount(
        username: name, passwordHash: hash, role: role, unitID: unitID, at: Date())
      print(say("cli_account_created", ["username": .plain(account.username), "role": .key(account.role.nameKey)]))
    }
  }
}

struct UserPasswdCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "passwd", abstract: "Set a new password (read from standard input) and clear any lock.")

  @Argument var name: String

  func run() async throws {
    let password = try readPassword()
    try PasswordPolicy.check(password)
    let hash = try PasswordHashing().hash(password)
    let name = self.name
    try await withConfiguredStore { store, _ in
      try await store.setPassword(username: name, passwordHash: hash)
      print(say("cli_password_set", ["username": .plain(name)]))
    }
  }
}

struct UserDisableCommand: AsyncParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "disable", abstract: "Disable an account and revoke its tokens.")

  @Argument var name: String

  func run() async throws {
    let name = self.name
    try await withConfiguredStore { store, _ in
      try await store.disable(username: name)
      print(say("cli_account_disabled", ["username": .plain(name)]))
    }
  }
}
