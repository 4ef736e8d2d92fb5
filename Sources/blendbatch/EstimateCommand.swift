import ArgumentParser
import Executors
import Foundation
import RenderPlan

/// `blendbatch estimate FILE`: how long a render takes here and what it costs on EC2.
struct EstimateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "estimate", _superCommandName: "blendbatch",
        abstract: "Estimate a render's time here and its cost on EC2 (Spot and On-Demand) from a few sample frames.",
        discussion: """
        Plans FILE with the render options (the same as `blendbatch render` takes) and renders --sample \
        frames spread over the range with those settings, as one probe task per worker at once (each \
        after a warm-up frame), then scales their times up:

          a sample's core-seconds = its seconds × the cores its task had (min(tasks × threads, cores) / tasks)
          a frame between samples = the line between its neighbours; a task = overhead (start-up and
            the cold first frame, measured) + its frames
          here:     the plan's tasks simulated on --workers slots sharing the cores
          instance: each array child on its own instance at vCPUs × speed cores; billed for its tasks'
                    time (at least 60 s) at the table's hourly price

        speed is how fast one vCPU of the type renders against one core here (the table's guess; \
        --speed TYPE=F sets it once you know it). p10–p90 is the spread of the sample mean. The sample \
        frames stay in the output with the job's fingerprint, so `blendbatch render` with the same \
        settings skips them. --from JOB uses the frame times an earlier job recorded instead.

        Prices: the dated us-east-1 table shipped with blendbatch (its date, region and source are \
        printed), or --prices FILE of the same JSON shape; Spot prices are refreshed from EC2 \
        DescribeSpotPriceHistory when AWS answers within a few seconds (--no-refresh skips it).

        --json prints {frames, tasks, basis, samples, startup_seconds, core_hours, here: {wall_seconds: \
        {median, p10, p90}, workers, threads_per_task, cores}, instances: [{instance_type, vcpus, speed, \
        array_size, wall_seconds, spot_usd, on_demand_usd, spot_saving_percent, p10, p90}], prices}.

        Exit codes: 0 done, 64 bad option or unknown instance type, 65 bad .blend or price table, \
        66 file, job or price table missing, 69 Blender missing, 70 the sample frames failed.

        Examples:
          blendbatch estimate shot.blend
          blendbatch estimate shot.blend --percent 50 --sample 5 --instance-type c7i.8xlarge --array-size 20
          blendbatch estimate shot.blend --from JOB --prices my-prices.json --json
        """)

    @Argument(help: "The .blend file to estimate.")
    var file: String

    @OptionGroup var options: RenderOptions
    @OptionGroup var cost: EstimateOptions

    @Flag(help: "Print the estimate as JSON.")
    var json = false

    func run() async throws {
        let render = try options.request(file: file)
        let request = try cost.request(render)
        let estimate: CostEstimate
        do {
            (estimate, _) = try await request.run(executor: LocalExecutor(configuration: RenderOptions.executorConfiguration(render)),
                                                  aws: makeAWSClient())
        } catch { throw CommandEnd(error.code, error.message) }
        if json { print(try StableJSON.text(estimate)) } else { print(EstimateText.render(estimate, file: file)) }
    }
}

/// The options that choose how an estimate is made and priced (`estimate`, and `render --max-cost`).
struct EstimateOptions: ParsableArguments {
    @Option(help: "How many sample frames to render, spread over the range (--samples sets the render samples).")
    var sample = 3

    @Option(name: .customLong("from"), help: ArgumentHelp("Use the frame times of an earlier job (its folder or id) instead of sampling.", valueName: "job"))
    var fromJob: String?

    @Option(name: .customLong("instance-type"), help: ArgumentHelp("EC2 instance type to price (repeat for several; default c7i.4xlarge, c6i.4xlarge, g5.xlarge).", valueName: "type"))
    var instanceTypes: [String] = []

    @Option(help: ArgumentHelp("A JSON price table replacing the shipped one (same shape: date, region, source, instances).", valueName: "file"))
    var prices: String?

    @Option(help: ArgumentHelp("Per-vCPU speed of a type against one core here, TYPE=F (repeatable).", valueName: "type=f"))
    var speed: [String] = []

    @Option(name: .customLong("array-size"), help: "AWS Batch array children (default: one per task of the plan).")
    var arraySize: Int?

    @Flag(name: .customLong("no-refresh"), help: "Use the price table as it is; do not ask EC2 for current Spot prices.")
    var noRefresh = false

    /// Whether any of these options was given.
    var given: Bool {
        sample != 3 || fromJob != nil || !instanceTypes.isEmpty || prices != nil || !speed.isEmpty || arraySize != nil || noRefresh
    }

    func request(_ render: RenderRequest) throws -> EstimateRequest {
        var request = EstimateRequest(render: render)
        request.sample = sample
        request.fromJob = fromJob
        if !instanceTypes.isEmpty { request.instanceTypes = instanceTypes }
        request.pricesPath = prices
        request.arraySize = arraySize
        request.refreshSpot = !noRefresh
        for text in speed {
            let parts = text.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let value = Double(parts[1]), value > 0 else {
                throw CommandEnd(.usage, "--speed \(text): give TYPE=F with F > 0, e.g. --speed g5.xlarge=8")
            }
            request.speeds[String(parts[0])] = value
        }
        return request
    }
}

/// The estimate as a person reads it.
enum EstimateText {
    /// The instance table's columns: the type left-aligned, the figures right-aligned.
    static func row(_ cells: [String]) -> String {
        let widths = [14, 5, 6, 6, 10, 10, 10, 11]
        return zip(cells, widths).enumerated().map { index, cell in
            let pad = String(repeating: " ", count: max(0, cell.1 - cell.0.count))
            return index == 0 ? cell.0 + pad : pad + cell.0
        }.joined(separator: " ")
    }

    static func render(_ e: CostEstimate, file: String) -> String {
        let samples = e.samples.prefix(8).map { "\($0.frame): \(String(format: "%.2f", $0.seconds)) s" }.joined(separator: ", ")
        let from = e.basis == "sampled" ? "\(e.samples.count) sampled frame(s)" : "\(e.samples.count) frame(s) of \(e.basis)"
        let w = e.here.wallSeconds
        var lines = [
            "estimate: \(file), \(e.frames) frames in \(e.tasks) task(s), from \(from) (\(samples)\(e.samples.count > 8 ? ", …" : ""); "
                + "Blender start-up \(String(format: "%.1f", e.startupSeconds)) s a task)",
            "here (\(e.here.workers) worker(s) × \(e.here.threadsPerTask) thread(s), \(e.here.cores) cores): \(Budget.duration(w.median)) "
                + "(p10–p90 \(Budget.duration(w.p10))–\(Budget.duration(w.p90))); \(String(format: "%.3f", e.coreHours.median)) core-hours",
            "",
            row(["instance type", "vCPUs", "speed", "array", "wall", "Spot", "On-Demand", "Spot saves"]),
        ]
        for i in e.instances {
            lines.append(row([i.instanceType, "\(i.vcpus)", String(format: "%.2f", i.speed), "\(i.arraySize)", Budget.duration(i.wallSeconds),
                              Budget.usd(i.spotUSD), Budget.usd(i.onDemandUSD),
                              String(format: "%.0f %%", i.spotSavingPercent)]))
        }
        lines.append("")
        lines.append("prices: \(e.prices.region), \(e.prices.date); Spot refreshed from EC2: "
            + (e.prices.spotRefreshed.isEmpty ? "no (the table's)" : e.prices.spotRefreshed.joined(separator: ", ")))
        lines.append("costs at p90: " + e.instances.map { "\($0.instanceType) \(Budget.usd($0.p90.spotUSD)) Spot" }.joined(separator: ", "))
        if e.basis == "sampled" { lines.append("the sample frames are kept in the output: a render with the same settings skips them") }
        return lines.joined(separator: "\n")
    }
}
