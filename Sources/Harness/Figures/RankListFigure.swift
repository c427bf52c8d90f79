import Figures
import Foundation
import ImageIO
import ReIDEval

/// Rank lists: fixed queries of a test set, each followed by its ten nearest gallery images
/// under the evaluation protocol (same identity and camera removed), matches outlined green,
/// other identities red. From the features the run saved of its trained readout.
enum RankListFigure {
  /// Queries shown.
  static let queries = 4
  /// Gallery images per query.
  static let ranks = 10

  static func write(_ run: PlannedRun, dataset: String, to url: URL) throws -> FigureWriter.Outcome
  {
    let config = run.run.config
    let readout = try ReIDNetwork.readout(config.model.descriptor)
    let file = RunEvaluator.featuresURL(run.directory, dataset: dataset, readout: readout)
    guard FileManager.default.fileExists(atPath: file.path) else {
      return .skipped(
        "\(file.path) is not here (eval.save_features writes it when the run is evaluated)")
    }
    let features = try FeatureFile.read(from: file.path)
    guard let queryPaths = features.query.paths, let galleryPaths = features.gallery.paths else {
      return .skipped("\(file.path) has no image paths")
    }
    let lists = RankList.make(
      distances: EuclideanDistance.matrix(
        query: features.query.features, gallery: features.gallery.features,
        threads: config.blas.threads),
      query: features.query.labels, gallery: features.gallery.labels, count: queries,
      ranks: ranks)
    let (width, height) = FigureInputs.cellSize(config)
    var grid = ImageGrid(cellWidth: width, cellHeight: height, padding: 4)
    grid.gapAfterColumn = 0
    for list in lists {
      var row = [ImageGrid.Cell(try FigureInputs.picture(queryPaths[list.query]))]
      for (index, isMatch) in zip(list.gallery, list.matches) {
        row.append(
          ImageGrid.Cell(
            try FigureInputs.picture(galleryPaths[index]),
            border: isMatch
              ? RGBColor(red: 0, green: 170, blue: 0) : RGBColor(red: 220, green: 0, blue: 0)))
      }
      grid.add(row: row)
    }
    guard !lists.isEmpty else { return .skipped("no query has a true match") }
    try grid.writePNG(to: url.path)
    return .written
  }
}
