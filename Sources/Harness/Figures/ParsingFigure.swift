import Figures
import Foundation
import ImageIO
import Models
import ReIDData
import TensorCore

/// A parsing run's labels against LIP's: for fixed validation images, a row each: the image,
/// the stream's arg-max labels (at the logits' resolution, enlarged without smoothing) and
/// the ground truth, in LIP's palette.
enum ParsingFigure {
  /// Images shown.
  static let images = 6

  /// Draws the figure of `run` (its trained `weights`) to `url`.
  static func write(_ run: PlannedRun, weights: URL, to url: URL) throws -> FigureWriter.Outcome {
    let config = run.run.config
    let lip = try LIPDataset.load(dataRoot: run.dataFolder)
    let picks = FigureInputs.evenlySpaced(images, of: lip.val.count).map { lip.val[$0] }
    guard !picks.isEmpty else { return .skipped("no LIP validation images") }
    let slabs = ModelSlabs()
    let stream = try ReIDNetwork.parsingStream(config.model, slabs)
    try WeightsFile.load(slabs, from: weights.path)
    let batch = try FigureInputs.batch(picks.map(DataItem.init), config: config)
    let (logits, _) = stream.network.forward(batch.images, mode: .inference, slabs)
    let (h, w, classes) = (logits.shape[1], logits.shape[2], logits.shape[3])
    let (width, height) = FigureInputs.cellSize(config)
    var grid = ImageGrid(cellWidth: width, cellHeight: height, padding: 4)
    for (i, sample) in picks.enumerated() {
      var predicted = LabelMap(width: w, height: h)
      logits.withUnsafePointer { p in
        for pixel in 0..<(h * w) {
          let scores = p + (i * h * w + pixel) * classes
          var best = 0
          for c in 1..<classes where scores[c] > scores[best] { best = c }
          predicted.labels[pixel] = UInt8(best)
        }
      }
      let truth = try PNG.readLabelMap(sample.labelPath)
      grid.add(row: [
        ImageGrid.Cell(try FigureInputs.picture(sample.imagePath)),
        ImageGrid.Cell(
          LIPPalette.colorize(ImageResize.nearest(predicted, width: width, height: height))),
        ImageGrid.Cell(
          LIPPalette.colorize(ImageResize.nearest(truth, width: width, height: height))),
      ])
    }
    try grid.writePNG(to: url.path)
    return .written
  }
}
