import Executors
import AWSCore
import Foundation
import LuaKit
import RenderPlan

extension LuaModule {
    /// `cost`: what a render will take and cost (`blendbatch estimate`).
    static let cost = LuaModule("cost", doc: """
        What a render will take here and cost on EC2: cost.estimate{...} (as `blendbatch estimate`).
        """) { m in
        m.function("estimate", doc: """
            cost.estimate{file=, <render.plan's fields>, sample=3, from=JOB, instance_types={'c7i.4xlarge',...},
                          prices='prices.json', speed={['g5.xlarge']=8}, array_size=N, refresh=false}
              -> estimate | nil, err, code
            Renders `sample` frames spread over the range with the job's settings (kept in the output, so the
            render skips them), or reads the frame times of job `from`, and returns what `blendbatch estimate
            --json` prints: here.wall_seconds {median, p10, p90}, core_hours, and instances [{instance_type,
            wall_seconds, spot_usd, on_demand_usd, spot_saving_percent, p10, p90}] with the price table's date.
            """) { args in
            let options = try args.table(1).tableValue ?? [:]
            let capabilities = Capabilities.of(args)
            try capabilities.requireRender(options, args)
            for key in ["prices", "from"] { if let path = options[key]?.stringValue { try capabilities.require(.read, path, args) } }
            return try RenderModuleSupport.failingAsLua {
                var request = EstimateRequest(render: try RenderModuleSupport.request(args, 1, also: ["sample", "from", "instance_types", "prices", "speed", "array_size", "refresh"]))
                request.sample = options["sample"]?.intValue ?? request.sample
                request.fromJob = options["from"]?.stringValue
                if let types = options["instance_types"]?.arrayValue, !types.isEmpty {
                    request.instanceTypes = types.compactMap(\.stringValue)
                }
                request.pricesPath = options["prices"]?.stringValue
                for (type, speed) in options["speed"]?.tableValue ?? [:] {
                    guard let value = speed.doubleValue, value > 0 else {
                        throw RenderProblem(code: .usage, message: "speed: give {['TYPE'] = F} with F > 0")
                    }
                    request.speeds[type] = value
                }
                request.arraySize = options["array_size"]?.intValue
                request.refreshSpot = options["refresh"]?.boolValue ?? true
                var configuration = try LuaJob.configuration(options, chaos: false)
                configuration.maxTimeSeconds = nil
                let executor = LocalExecutor(configuration: configuration)
                let aws = AWSClient(configuration: .resolve(environment: FISExperimentObject.awsContext(args).0))
                let asked = request
                let estimate = try args.wait {
                    do throws(EstimateRequest.Problem) { return try await asked.run(executor: executor, aws: aws).0 } catch {
                        throw RenderProblem(code: error.code, message: error.message)
                    }
                }
                return .value(try LuaValue(encoding: estimate))
            }
        }
    }
}
