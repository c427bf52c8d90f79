import Foundation
import Optim
import Testing

@Suite struct LearningRateScheduleTests {
  /// Relative closeness of Floats computed through Double.
  static func close(_ a: Float, _ b: Double) -> Bool {
    abs(Double(a) - b) <= 1e-6 * max(abs(b), 1e-12)
  }

  @Test func constant() {
    let s = LearningRateSchedule(baseLR: 0.1)
    #expect(s.lr(at: 0) == 0.1 && s.lr(at: 123_456) == 0.1)
  }

  @Test func multiStep() {
    // MultiStepLR: gamma^(number of milestones <= t).
    let s = LearningRateSchedule(
      baseLR: 3.5e-4, decay: .multiStep(milestones: [40, 70], gamma: 0.1))
    for (t, e) in [(0, 3.5e-4), (39, 3.5e-4), (40, 3.5e-5), (69, 3.5e-5), (70, 3.5e-6)] {
      #expect(Self.close(s.lr(at: t), e), "t = \(t)")
    }
  }

  @Test func step() {
    let s = LearningRateSchedule(baseLR: 0.2, decay: .step(stepSize: 10, gamma: 0.5))
    for (t, e) in [(0, 0.2), (9, 0.2), (10, 0.1), (25, 0.05)] {
      #expect(Self.close(s.lr(at: t), e), "t = \(t)")
    }
  }

  @Test func poly() {
    // (1 - t/T)^power: 0.01 * 0.5^0.9 = 0.005358867312681466 at the midpoint.
    let s = LearningRateSchedule(baseLR: 0.01, decay: .poly(totalIterations: 100, power: 0.9))
    #expect(Self.close(s.lr(at: 0), 0.01))
    #expect(Self.close(s.lr(at: 50), 0.005358867312681466))
    #expect(s.lr(at: 100) == 0 && s.lr(at: 150) == 0)
  }

  @Test func cosine() {
    // min + (base - min)(1 + cos(pi t/T))/2: the midpoint is (0.1 + 1e-4)/2.
    let s = LearningRateSchedule(baseLR: 0.1, decay: .cosine(totalIterations: 100, minimumLR: 1e-4))
    #expect(Self.close(s.lr(at: 0), 0.1))
    let quarter: Double = 1e-4 + (0.1 - 1e-4) * (1 + Double(0.5).squareRoot()) / 2
    #expect(Self.close(s.lr(at: 25), quarter))
    #expect(Self.close(s.lr(at: 50), 0.05005))
    #expect(Self.close(s.lr(at: 100), 1e-4) && Self.close(s.lr(at: 200), 1e-4))
  }

  @Test func warmupMultipliesTheBaseSchedule() {
    // Factor 0.1 + 0.9 t/10 for t < 10, then the multi-step schedule unchanged.
    let s = LearningRateSchedule(
      baseLR: 3.5e-4, decay: .multiStep(milestones: [40], gamma: 0.1),
      warmup: .init(iterations: 10, startFactor: 0.1))
    for (t, e) in [(0, 3.5e-5), (5, 3.5e-4 * 0.55), (9, 3.5e-4 * 0.91), (10, 3.5e-4), (40, 3.5e-5)]
    {
      #expect(Self.close(s.lr(at: t), e), "t = \(t)")
    }
  }

  @Test func codableRoundTrip() throws {
    let schedules = [
      LearningRateSchedule(baseLR: 0.1),
      LearningRateSchedule(
        baseLR: 0.01, decay: .cosine(totalIterations: 50, minimumLR: 0),
        warmup: .init(iterations: 5, startFactor: 0.01)),
      LearningRateSchedule(baseLR: 0.1, decay: .step(stepSize: 3, gamma: 0.9)),
      LearningRateSchedule(baseLR: 0.1, decay: .poly(totalIterations: 9, power: 1)),
    ]
    for s in schedules {
      let decoded = try JSONDecoder().decode(
        LearningRateSchedule.self, from: JSONEncoder().encode(s))
      #expect(decoded == s)
    }
  }
}
