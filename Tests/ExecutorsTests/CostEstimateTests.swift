import Foundation
import Testing
@testable import Executors

@Suite("Estimate model: scaling here and to instance types, sample frames")
struct CostEstimateTests {
    let price = InstancePrice(vcpus: 16, speed: 2, onDemandUSDPerHour: 1.0, spotUSDPerHour: 0.25)

    @Test("equal samples: no spread; here = core-seconds over the cores in use plus start-ups; instance per the documented model")
    func scaling() {
        // 3 samples of 2 s with 2 threads on 2 cores: 4 core-seconds a frame, 100 frames = 400 core-seconds.
        let chunks = (0..<4).map { Array(($0 * 25 + 1)...($0 * 25 + 25)) }
        let model = EstimateModel(samples: [1, 50, 100].map { FrameSample(frame: $0, seconds: 2) }, startupSeconds: 1.5,
                                  threads: 2, chunks: chunks, workers: 2, cores: 2, arraySize: 4)
        #expect(model.coreSeconds == Spread(median: 400, p10: 400, p90: 400))
        // 400 / min(2×2, 2) + ceil(4/2) × 1.5
        #expect(model.hereWall.median == 203)
        let instance = model.instance("c7i.4xlarge", price: price)
        // 1 wave: 1.5 + 400 / (4 × 16 × 2) = 4.625 s; billed 60 s minimum × 4 children
        #expect(instance.wallSeconds == 4.625)
        #expect(abs(instance.onDemandUSD - 4 * 60 / 3600.0) < 1e-9)
        #expect(abs(instance.spotUSD - 4 * 60 / 3600.0 * 0.25) < 1e-9)
        #expect(instance.spotSavingPercent == 75)
    }

    @Test("samples that differ give a p10–p90 range around the mean, the same every time")
    func spread() {
        let samples = [FrameSample(frame: 1, seconds: 1), FrameSample(frame: 11, seconds: 2), FrameSample(frame: 21, seconds: 6)]
        let model = EstimateModel(samples: samples, startupSeconds: 0, threads: 1, chunks: [Array(1...21)], workers: 1, cores: 1)
        let total = model.coreSeconds
        // The line through the samples: 1…2 s over frames 1-11, 2…6 s over 11-21.
        #expect(model.cost(of: 6) == 1.5 && model.cost(of: 16) == 4 && model.cost(of: 30) == 6)
        #expect(abs(total.median - (16.5 + 44 - 2)) < 1e-9)
        #expect(total.p10 < total.median && total.median < total.p90)
        #expect(model.coreSeconds == total)
    }

    @Test("tasks run in order on the workers; one left alone at the end gets every core")
    func makespan() {
        // Two tasks of 10 core-seconds on 2 one-thread slots of 2 cores: 10 s; a third alone after them
        // with 2 threads gets both cores: 5 s more.
        #expect(EstimateModel.makespan([10, 10], overhead: 0, slots: 2, threads: 1, cores: 2) == 10)
        #expect(EstimateModel.makespan([10, 10, 10], overhead: 1, slots: 2, threads: 2, cores: 2) == 1 + 10 + 1 + 5)
        // A heavy second half: the worker with the light half finishes first and the other speeds up.
        let light = EstimateModel(samples: [FrameSample(frame: 1, seconds: 1), FrameSample(frame: 20, seconds: 1)], startupSeconds: 0,
                                  threads: 1, chunks: [Array(1...10), Array(11...20)], workers: 2, cores: 2)
        let ramp = EstimateModel(samples: [FrameSample(frame: 1, seconds: 0.2), FrameSample(frame: 20, seconds: 1.8)], startupSeconds: 0,
                                 threads: 1, chunks: [Array(1...10), Array(11...20)], workers: 2, cores: 2)
        #expect(abs(light.coreSeconds.median - ramp.coreSeconds.median) < 1e-9)
        #expect(ramp.hereWall.median > light.hereWall.median)
    }

    @Test("sample frames sit in the middle of equal stretches and avoid frames already rendered")
    func sampleFrames() {
        #expect(EstimateModel.sampleFrames(Array(1...48), count: 3) == [9, 25, 41])
        #expect(EstimateModel.sampleFrames(Array(1...48), count: 3, exclude: [9, 25]) == [8, 24, 41])
        #expect(EstimateModel.sampleFrames([1, 2], count: 3) == [1, 2])
        #expect(EstimateModel.sampleFrames([1, 2], count: 3, exclude: [1, 2]) == [])
    }

    @Test("the JSON has the shape scripts rely on")
    func json() throws {
        let model = EstimateModel(samples: [FrameSample(frame: 1, seconds: 1)], startupSeconds: 1, threads: 1,
                                  chunks: [Array(1...5), Array(6...10)], workers: 2, cores: 2)
        let estimate = try model.estimate(basis: "sampled", types: ["c7i.4xlarge"], table: PriceTable.shipped)
        let object = try #require(try JSONSerialization.jsonObject(with: try JSONEncoder().encode(estimate)) as? [String: Any])
        let wall = try #require((object["here"] as? [String: Any])?["wall_seconds"] as? [String: Double])
        #expect(Set(wall.keys) == ["median", "p10", "p90"])
        let instance = try #require((object["instances"] as? [[String: Any]])?.first)
        for key in ["instance_type", "wall_seconds", "spot_usd", "on_demand_usd"] { #expect(instance[key] != nil, "\(key)") }
    }
}
