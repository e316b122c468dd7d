import MinshengCore
import MinshengText

/// What the command line says, from the catalogue in the platform's own language.
func say(_ key: String, _ arguments: [String: LocalizedText.Argument] = [:]) -> String {
  Catalogue.zhHans(key, arguments)
}

extension TrainingError {
  /// Why training cannot start, in the catalogue's words.
  var text: LocalizedText {
    switch self {
    case .tooFewLabels: LocalizedText("cli_training_too_few_labels")
    case .badFolds: LocalizedText("cli_training_folds")
    }
  }
}

extension ModelFileError {
  /// Why a model file cannot be used, in the catalogue's words.
  var text: LocalizedText {
    let reason =
      switch self {
      case .incomplete: LocalizedText("cli_model_incomplete")
      case .notAModel: LocalizedText("cli_model_not_a_model")
      case .version(let found, let expected):
        LocalizedText("cli_model_version", ["found": .number(found), "expected": .number(expected)])
      case .unreadableHeader: LocalizedText("cli_model_bad_header")
      case .implausibleHeader: LocalizedText("cli_model_implausible")
      case .trailingBytes: LocalizedText("cli_model_trailing")
      }
    return LocalizedText("cli_model_unloadable", ["reason": .text(reason)])
  }
}
