import Figures
import Foundation
import ImageIO
import Models
import ReIDData
import TensorCore

/// Part-level and pixel-level attention of a CAN run: for fixed query images of its first
/// test set, a row each: the image, then the five part masks of the parsing stream
/// (foreground, head, upper body, legs, feet) over it, then each part's pixel-level attention
/// (channel mean, stretched min to max per map: under BN + ReLU it lies in [0.5, 1)). CANpt
/// runs have no pixel-level attention: their rows end after the masks.
enum AttentionFigure {
  /// Images shown.
  static let images = 4

  /// Draws the figure of `run` (its trained `weights`) to `url`.
  static func write(_ run: PlannedRun, weights: URL, to url: URL) throws -> FigureWriter.Outcome {
    let config = run.run.config
    guard let datasetName = config.eval.datasets.first,
      let kind = try ReIDDatasetKind.named([datasetName], keyPath: "eval.datasets").first
    else { return .skipped("no test set") }
    let dataset = try ReIDDataset.load(kind, dataRoot: run.dataFolder)
    let picks = FigureInputs.evenlySpaced(images, of: dataset.query.count).map {
      dataset.query[$0]
    }
    guard !picks.isEmpty else { return .skipped("no query images") }
    let slabs = ModelSlabs()
    guard case .can(let model) = try ReIDNetwork.make(config.model, slabs) else {
      return .skipped("a baseline run has no attention")
    }
    try WeightsFile.load(slabs, from: weights.path)
    let batch = try FigureInputs.batch(picks.map(DataItem.init), config: config)
    let (output, cache) = model.forward(batch.images, mode: .inference, slabs)
    let (h, w) = (output.masks.shape[1], output.masks.shape[2])
    let (width, height) = FigureInputs.cellSize(config)
    var grid = ImageGrid(cellWidth: width, cellHeight: height, padding: 4)
    grid.gapAfterColumn = 0
    for (i, image) in picks.enumerated() {
      let picture = try FigureInputs.picture(image.path)
      var row = [ImageGrid.Cell(picture)]
      for part in 0..<5 {
        row.append(
          ImageGrid.Cell(
            picture,
            heatmap: try Heatmap(
              values: FigureInputs.plane(output.masks, image: i, channel: part), width: w,
              height: h, colorMap: .jet, alpha: 0.55)))
      }
      for attention in cache.pixelAttention {
        row.append(
          ImageGrid.Cell(
            picture,
            heatmap: try Heatmap(
              values: FigureInputs.stretched(FigureInputs.channelMean(attention, image: i)),
              width: attention.shape[2], height: attention.shape[1], colorMap: .jet, alpha: 0.55)))
      }
      grid.add(row: row)
    }
    try grid.writePNG(to: url.path)
    return .written
  }
}
