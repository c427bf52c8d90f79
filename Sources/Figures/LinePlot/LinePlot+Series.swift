extension LinePlot {
  /// A data point.
  public struct Point: Sendable, Hashable {
    /// Horizontal value.
    public var x: Double
    /// Vertical value.
    public var y: Double

    /// A point from its two values.
    public init(x: Double, y: Double) {
      self.x = x
      self.y = y
    }
  }

  /// The vertical extent of a band at one point, e.g. mean - sd ... mean + sd.
  public struct Interval: Sendable, Hashable {
    /// The band's bottom.
    public var lower: Double
    /// The band's top.
    public var upper: Double

    /// An interval from its two ends.
    public init(lower: Double, upper: Double) {
      self.lower = lower
      self.upper = upper
    }
  }

  /// One named line of a plot.
  public struct Series: Sendable {
    /// The legend entry.
    public var name: String
    /// The points, joined in this order.
    public var points: [Point]
    /// A translucent band under the line: `band[i]` spans the y values at `points[i].x`
    /// (extra entries on either side are ignored), or nil for none.
    public var band: [Interval]?
    /// Draws the line dashed.
    public var dashed: Bool
    /// Draws a dot at every point.
    public var markers: Bool

    /// A series; solid, without band or markers by default.
    public init(
      name: String, points: [Point], band: [Interval]? = nil, dashed: Bool = false,
      markers: Bool = false
    ) {
      self.name = name
      self.points = points
      self.band = band
      self.dashed = dashed
      self.markers = markers
    }

    /// A series from parallel arrays of x and y values (paired up to the shorter one).
    public init(
      name: String, x: [Double], y: [Double], band: [Interval]? = nil, dashed: Bool = false,
      markers: Bool = false
    ) {
      self.init(
        name: name, points: zip(x, y).map { Point(x: $0, y: $1) }, band: band, dashed: dashed,
        markers: markers)
    }
  }
}
