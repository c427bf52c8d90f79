import ArgumentParser
import Foundation
import ImageIO
import ReIDData

/// `reid synth`: writes the synthetic Market-, Duke- and LIP-format datasets.
struct SynthCommand: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "synth",
    abstract: "Generate the synthetic Market-1501, DukeMTMC-reID and LIP datasets.",
    discussion: """
      Writes <out>/market1501, <out>/dukemtmc-reid and <out>/lip in the real layouts \
      (JPEG images, PNG label maps). The same preset and seed give byte-identical files.
      """)

  @Option(help: "The data root to write into.")
  var out: String?

  @Option(help: "Size preset: smoke or ci.")
  var preset = "smoke"

  @Option(help: "Seed of every synthetic stream.")
  var seed: UInt64 = 1

  @Flag(help: "Replace existing synthetic folders.")
  var force = false

  @Option(help: "Also write a contact sheet PNG (samples beside their part masks) here.")
  var contactSheet: String?

  func validate() throws {
    if out == nil && contactSheet == nil {
      throw ValidationError("give --out DIR, --contact-sheet FILE, or both")
    }
  }

  func run() throws {
    let preset = try SyntheticPreset.named(self.preset)
    if let out {
      let start = Date()
      let counts = try SyntheticGenerator(preset: preset, seed: seed).write(to: out, force: force)
      let seconds = Date().timeIntervalSince(start)
      for folder in SyntheticGenerator.topFolders {
        print("\(out)/\(folder): \(counts[folder] ?? 0) images")
      }
      print("preset \(preset.name), seed \(seed), \(String(format: "%.1f", seconds)) s")
    }
    if let contactSheet {
      try PNG.write(ContactSheet.render(preset: preset, seed: seed), to: contactSheet)
      print("contact sheet: \(contactSheet)")
    }
  }
}
