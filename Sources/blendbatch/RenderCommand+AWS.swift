import Executors
import Foundation
import ObjectStore
import RenderPlan
import Scripting

extension RenderCommand {
    /// `--backend aws`: plan the .blend where it is (a path or s3://), submit ONE array job and ONE
    /// stitch job to AWS Batch (`AWSJobCommands.submit`), print the ids and return; `--wait` follows it.
    /// The queue and job definition default to the studio config's `defaults`.
    func runOnAWS() async throws {
        let (handle, budget) = try await submitToAWS()
        let code = try await AWSJobCommands.submitted(handle, wait: wait, json: json, spendLimit: budget?.0)
        if code != 0 { Foundation.exit(code) }
    }

    /// Check the options, plan `file` where it is and submit it; the job, and its spend limit with `--max-cost`.
    func submitToAWS() async throws -> (AWSBatchJobHandle, (AWSSpendLimit, CostEstimate)?) {
        let studio = try RecipeExecution.studioConfig().defaults
        let jobDefinition = jobDefinition ?? studio.jobDefinition
        guard let queue = queue ?? studio.queue, !queue.isEmpty else {
            fail(.usage, "--backend aws needs --queue (the stack's is blendbatch-render)")
        }
        guard let out = options.out else {
            fail(.usage, "--backend aws needs --out s3://BUCKET/PREFIX (Batch tasks cannot write to this machine)")
        }
        let output: StoreLocation
        do { output = try StoreLocation(parsing: out) } catch { fail(.usage, "--out \(out): \(error)") }
        guard case .s3 = output else { fail(.usage, "--out \(out): --backend aws writes to S3; give s3://BUCKET/PREFIX") }
        if chaos != nil { fail(.usage, "--chaos is for the local backend; on AWS use `blendbatch fis spot-interruption --job JOB`") }
        if resume { fail(.usage, "--resume is for the local backend; on AWS use `blendbatch resume JOB`") }
        if options.chunkTime != nil { fail(.usage, "--chunk-time measures on this machine; with --backend aws give --chunk") }

        let name = ((file as NSString).lastPathComponent as NSString).deletingPathExtension
        let request = options.request(file: file)
        let planner = StoreJobPlanner(input: file, output: output, id: JobManifest.newID(name: name), request: request)
        let (manifest, blend) = await planner.planned(client: makeAWSClient())
        let budget = try await budgetCheck(request)
        let handle = try await AWSJobCommands.submit(manifest, file: blend, queue: queue, jobDefinition: jobDefinition,
                                                 allowOlderBlender: options.allowOlderBlender, budget: budget)
        return (handle, budget)
    }

    /// `--max-cost`: estimate on this machine (sampling, or `--from`), refuse when the p90 cost on the
    /// first `--instance-type` (Spot, as the stack's compute environment) is over it, and hand the
    /// spend limit on; nil without `--max-cost`.
    func budgetCheck(_ request: RenderRequest) async throws -> (AWSSpendLimit, CostEstimate)? {
        if maxTime != nil { fail(.usage, "--max-time limits a render on this machine; with --backend aws give --max-cost") }
        guard let maxCost else { return nil }
        guard maxCost > 0 else { fail(.usage, "--max-cost \(maxCost): give a positive amount in US$") }
        guard case .local? = try? StoreLocation(parsing: file) else {
            fail(.usage, "--max-cost estimates on this machine first: give a local .blend (not \(file))")
        }
        var estimateRequest = try cost.request(request)
        estimateRequest.instanceTypes = [estimateRequest.instanceTypes[0]]
        let estimate: CostEstimate
        do {
            (estimate, _) = try await estimateRequest.run(executor: LocalExecutor(configuration: options.executorConfiguration()),
                                                          aws: makeAWSClient())
        } catch { fail(error.code, "estimating before --max-cost: \(error.message)") }
        let type = estimateRequest.instanceTypes[0]
        if let refusal = Budget(maxCostUSD: maxCost).refusal(estimate, instance: type, spot: true) { fail(.usage, refusal) }
        printError("blendbatch: estimate on \(type) Spot: \(Budget.usd(estimate.instances[0].spotUSD)) "
            + "(p90 \(Budget.usd(estimate.instances[0].p90.spotUSD))), within --max-cost \(Budget.usd(maxCost))")
        return (AWSSpendLimit(maxUSD: maxCost, instanceType: type, market: "spot", usdPerHour: estimate.instances[0].spotUSDPerHour), estimate)
    }
}
