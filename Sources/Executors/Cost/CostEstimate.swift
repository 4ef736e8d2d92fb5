import Foundation

/// One frame's render time as measured on this machine.
public struct FrameSample: Codable, Sendable, Equatable {
    public var frame: Int
    public var seconds: Double

    public init(frame: Int, seconds: Double) {
        self.frame = frame
        self.seconds = seconds
    }
}

/// A median and a p10–p90 range.
public struct Spread: Codable, Sendable, Equatable {
    public var median: Double
    public var p10: Double
    public var p90: Double

    public init(median: Double, p10: Double, p90: Double) {
        self.median = median
        self.p10 = p10
        self.p90 = p90
    }

    func map(_ transform: (Double) -> Double) -> Spread { Spread(median: transform(median), p10: transform(p10), p90: transform(p90)) }
}

/// What a job will take: here at `--workers`, and on each instance type on Spot and On-Demand.
/// `blendbatch estimate --json` prints it and `<job folder>/cost.json` keeps it under `estimate`.
public struct CostEstimate: Codable, Sendable, Equatable {
    /// This machine at `workers` parallel tasks of `threads` threads each on `cores` cores.
    public struct Here: Codable, Sendable, Equatable {
        public var wallSeconds: Spread
        public var workers: Int
        public var threadsPerTask: Int
        public var cores: Int
    }

    /// One instance type: every array child on an instance of its own.
    public struct Instance: Codable, Sendable, Equatable {
        public struct Figures: Codable, Sendable, Equatable {
            public var wallSeconds: Double
            public var spotUSD: Double
            public var onDemandUSD: Double
        }
        public var instanceType: String
        public var vcpus: Int
        public var speed: Double
        public var arraySize: Int
        public var spotUSDPerHour: Double
        public var onDemandUSDPerHour: Double
        /// Median figures.
        public var wallSeconds: Double
        public var spotUSD: Double
        public var onDemandUSD: Double
        /// What Spot saves against On-Demand, in percent.
        public var spotSavingPercent: Double
        public var p10: Figures
        public var p90: Figures
    }

    /// Where the prices came from.
    public struct Prices: Codable, Sendable, Equatable {
        public var date: String
        public var region: String
        public var source: String
        /// Spot prices read from EC2 DescribeSpotPriceHistory just now, for these types.
        public var spotRefreshed: [String]
    }

    public var frames: Int
    public var tasks: Int
    /// Where the frame times come from: `sampled` (rendered now) or `job <id>` (`--from`).
    public var basis: String
    public var samples: [FrameSample]
    /// Blender's start-up per task, measured.
    public var startupSeconds: Double
    /// The render time of all frames on one core of this machine, in hours.
    public var coreHours: Spread
    public var here: Here
    public var instances: [Instance]
    public var prices: Prices

    enum CodingKeys: String, CodingKey {
        case frames, tasks, basis, samples, here, instances, prices
        case startupSeconds = "startup_seconds", coreHours = "core_hours"
    }
}

extension CostEstimate.Here {
    enum CodingKeys: String, CodingKey {
        case wallSeconds = "wall_seconds", workers, threadsPerTask = "threads_per_task", cores
    }
}

extension CostEstimate.Instance {
    enum CodingKeys: String, CodingKey {
        case instanceType = "instance_type", vcpus, speed, arraySize = "array_size", wallSeconds = "wall_seconds"
        case spotUSDPerHour = "spot_usd_per_hour", onDemandUSDPerHour = "on_demand_usd_per_hour"
        case spotUSD = "spot_usd", onDemandUSD = "on_demand_usd", spotSavingPercent = "spot_saving_percent", p10, p90
    }
}

extension CostEstimate.Instance.Figures {
    enum CodingKeys: String, CodingKey {
        case wallSeconds = "wall_seconds", spotUSD = "spot_usd", onDemandUSD = "on_demand_usd"
    }
}

extension CostEstimate.Prices {
    enum CodingKeys: String, CodingKey { case date, region, source, spotRefreshed = "spot_refreshed" }
}

/// The scaling model, explicit so a user can check it (README "Estimate and budget"):
/// - a sampled frame that took `s` seconds in one of `sampledTasks` tasks of `threads` threads running
///   at once had `min(sampledTasks × threads, cores) / sampledTasks` cores, so it costs `s` times that
///   in core-seconds; a frame between samples costs what the line between its neighbours says (before
///   the first or after the last: that sample's), so a scene that grows heavier is followed;
/// - a task is its overhead (`startupSeconds`: Blender's start-up and the cold first frame) and then
///   its frames; here the tasks run in order on `workers` slots, and while `k` of them render each gets
///   `min(k × threads, cores) / k` cores (a task left alone at the end speeds up);
/// - on an instance type with `vcpus` and `speed` (a vCPU's speed against one core here), each of
///   `arraySize` children runs its tasks on an instance of its own at `vcpus × speed` cores; each
///   child's instance is billed for its tasks' time (at least 60 s);
/// - the p10–p90 range comes from resampling the frame samples (the spread of their mean).
public struct EstimateModel: Sendable {
    public var samples: [FrameSample]
    public var startupSeconds: Double
    public var threads: Int
    /// Tasks that ran at once while the samples were measured.
    public var sampledTasks: Int
    /// The job's tasks: each one's frames, in the order they run.
    public var chunks: [[Int]]
    public var workers: Int
    public var cores: Int
    /// AWS array children; nil = one per task.
    public var arraySize: Int?

    public init(samples: [FrameSample], startupSeconds: Double, threads: Int, sampledTasks: Int = 1, chunks: [[Int]], workers: Int,
                cores: Int = ProcessInfo.processInfo.activeProcessorCount, arraySize: Int? = nil) {
        self.samples = samples.sorted { $0.frame < $1.frame }
        self.startupSeconds = max(0, startupSeconds)
        self.threads = max(1, threads)
        self.sampledTasks = max(1, sampledTasks)
        self.chunks = chunks.isEmpty ? [[]] : chunks
        self.workers = max(1, workers)
        self.cores = max(1, cores)
        self.arraySize = arraySize
    }

    public var frames: Int { chunks.reduce(0) { $0 + $1.count } }
    public var tasks: Int { chunks.count }

    /// Cores a sampled frame had.
    var share: Double { Double(min(sampledTasks * threads, cores)) / Double(sampledTasks) }

    /// Core-seconds of `frame`: the samples' line through it.
    func cost(of frame: Int) -> Double {
        guard let first = samples.first, let last = samples.last else { return 0 }
        if frame <= first.frame { return first.seconds * share }
        if frame >= last.frame { return last.seconds * share }
        let upper = samples.firstIndex { $0.frame >= frame }!
        let (a, b) = (samples[upper - 1], samples[upper])
        let t = Double(frame - a.frame) / Double(b.frame - a.frame)
        return (a.seconds + t * (b.seconds - a.seconds)) * share
    }

    /// How the p10 and p90 of the sample mean compare with the mean (1 when the samples agree).
    var spreadFactors: (p10: Double, p90: Double) {
        let values = samples.map(\.seconds)
        let mean = values.reduce(0, +) / Double(max(1, values.count))
        guard mean > 0 else { return (1, 1) }
        let means = Self.resampledMeans(values).sorted()
        return (means[means.count / 10] / mean, means[min(means.count - 1, means.count * 9 / 10)] / mean)
    }

    /// The job's render time in core-seconds of this machine.
    public var coreSeconds: Spread {
        let total = chunks.joined().reduce(0) { $0 + cost(of: $1) }
        let f = spreadFactors
        return Spread(median: total, p10: total * f.p10, p90: total * f.p90)
    }

    /// The tasks' frame work in core-seconds, scaled by `factor`.
    func work(_ factor: Double) -> [Double] { chunks.map { $0.reduce(0) { $0 + cost(of: $1) } * factor } }

    /// Wall seconds here at `workers`.
    public var hereWall: Spread {
        let f = spreadFactors
        func wall(_ factor: Double) -> Double {
            Self.makespan(work(factor), overhead: startupSeconds, slots: workers, threads: Double(threads), cores: Double(cores))
        }
        return Spread(median: wall(1), p10: wall(f.p10), p90: wall(f.p90))
    }

    /// Wall time and prices on one instance type.
    public func instance(_ type: String, price: InstancePrice) -> CostEstimate.Instance {
        let children = max(1, min(arraySize ?? tasks, tasks))
        let rate = Double(price.vcpus) * price.speed
        func figures(_ factor: Double) -> CostEstimate.Instance.Figures {
            let tasks = work(factor)
            let wall = Self.makespan(tasks, overhead: startupSeconds, slots: children, threads: rate, cores: .infinity)
            let busy = tasks.reduce(0) { $0 + startupSeconds + $1 / rate }
            let hours = max(Double(children) * 60, busy) / 3600
            return .init(wallSeconds: wall, spotUSD: hours * price.spotUSDPerHour, onDemandUSD: hours * price.onDemandUSDPerHour)
        }
        let f = spreadFactors
        let median = figures(1)
        let saving = price.onDemandUSDPerHour > 0 ? (1 - price.spotUSDPerHour / price.onDemandUSDPerHour) * 100 : 0
        return .init(instanceType: type, vcpus: price.vcpus, speed: price.speed, arraySize: children,
                     spotUSDPerHour: price.spotUSDPerHour, onDemandUSDPerHour: price.onDemandUSDPerHour,
                     wallSeconds: median.wallSeconds, spotUSD: median.spotUSD, onDemandUSD: median.onDemandUSD,
                     spotSavingPercent: saving, p10: figures(f.p10), p90: figures(f.p90))
    }

    /// The whole estimate for `types` priced from `table`.
    public func estimate(basis: String, types: [String], table: PriceTable, spotRefreshed: [String] = [])
        throws(PriceTableError) -> CostEstimate {
        var instances: [CostEstimate.Instance] = []
        for type in types { instances.append(instance(type, price: try table.price(of: type))) }
        return CostEstimate(frames: frames, tasks: tasks, basis: basis, samples: samples, startupSeconds: startupSeconds,
                            coreHours: coreSeconds.map { $0 / 3600 },
                            here: .init(wallSeconds: hereWall, workers: workers, threadsPerTask: threads, cores: cores),
                            instances: instances,
                            prices: .init(date: table.date, region: table.region, source: table.source, spotRefreshed: spotRefreshed))
    }

    /// Seconds until every task is done when tasks (`work` core-seconds each, after `overhead` seconds
    /// that take no share of the cores) run in order on `slots`, and the `k` rendering at a time get
    /// `min(k × threads, cores) / k` cores each.
    static func makespan(_ work: [Double], overhead: Double, slots: Int, threads: Double, cores: Double) -> Double {
        var pending = work[...]
        var running: [(wait: Double, work: Double)] = []
        var time = 0.0
        while true {
            while running.count < slots, let next = pending.popFirst() { running.append((overhead, next)) }
            guard !running.isEmpty else { return time }
            let rendering = running.filter { $0.wait <= 0 }.count
            let rate = rendering == 0 ? 0 : min(Double(rendering) * threads, cores) / Double(rendering)
            let step = running.map { $0.wait > 0 ? $0.wait : $0.work / rate }.min()!
            time += step
            running = running.map { $0.wait > 0 ? ($0.wait - step, $0.work) : (0, $0.work - step * rate) }
                .filter { $0.wait > 1e-9 || $0.work > 1e-9 }
        }
    }

    /// Means of 1,000 resamples (with replacement) of `values`, from a fixed seed: the same samples
    /// always give the same range.
    static func resampledMeans(_ values: [Double]) -> [Double] {
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        return (0..<1000).map { _ in
            var sum = 0.0
            for _ in values {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                sum += values[Int((state >> 33) % UInt64(values.count))]
            }
            return sum / Double(values.count)
        }
    }

    /// `count` frames spread over `frames` (the middle of each of `count` equal stretches), avoiding
    /// `exclude` (frames already rendered) by taking the nearest other frame.
    public static func sampleFrames(_ frames: [Int], count: Int, exclude: Set<Int> = []) -> [Int] {
        let open = frames.filter { !exclude.contains($0) }
        guard !open.isEmpty, count > 0 else { return [] }
        var chosen: [Int] = []
        for i in 0..<min(count, open.count) {
            let target = frames[min(frames.count - 1, Int((Double(i) + 0.5) / Double(count) * Double(frames.count)))]
            let free = open.filter { !chosen.contains($0) }
            if let nearest = free.min(by: { abs($0 - target) < abs($1 - target) }) { chosen.append(nearest) }
        }
        return chosen.sorted()
    }
}
