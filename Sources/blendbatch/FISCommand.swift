import ArgumentParser
import AWSCore
import AWSServices
import Chaos
import Executors
import Foundation
import RenderPlan

/// `blendbatch fis …`: AWS Fault Injection Service experiments against a running job.
struct FISCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fis", _superCommandName: "blendbatch",
        abstract: "Inject faults into AWS jobs with AWS FIS.",
        subcommands: [SpotInterruption.self])

    struct SpotInterruption: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "spot-interruption",
            abstract: "Send Spot interruption notices to instances running a job, through an FIS experiment.",
            discussion: """
            Finds the Spot compute environment of the job's queue and the tag it puts on its instances, reuses an \
            FIS template that targets them with the same selection and notice (or creates one), and starts it. \
            Interrupted tasks are retried by the job definition's retry strategy; frames they finished stay done.

              blendbatch fis spot-interruption --job JOB --count 1 --wait
              blendbatch fis spot-interruption --job JOB --percent 50 --notice PT3M
            """)

        @Option(help: "The job: the id `render` printed, or the Batch job id of its render job.")
        var job: String
        @Option(help: "Interrupt this many instances.")
        var count: Int?
        @Option(help: "Interrupt this percentage of the instances.")
        var percent: Int?
        @Option(help: "Warning before the instance is reclaimed, ISO 8601 (PT2M to PT15M).")
        var notice: String = "PT2M"
        @Option(help: "Role for a new FIS template (the stack's FisRoleArn output); default: the role of a template already targeting the fleet.")
        var roleArn: String?
        @Flag(help: "Follow the experiment until it ends; Ctrl-C stops it.")
        var wait = false
        @Flag(help: "Print the experiment as JSON.")
        var json = false

        func validate() throws {
            if count != nil && percent != nil { throw ValidationError("give --count or --percent, not both") }
        }

        func run() async throws {
            let selection: SpotSelection = percent.map { .percent($0) } ?? .count(count ?? 1)
            let client = makeAWSClient()
            let batch = BatchClient(client: client)
            let queue: String
            do { queue = try await Self.queue(ofJob: job, batch: batch) } catch { throw awsEnd(error, doing: "finding job \(job)") }
            let experiment: FISExperimentHandle
            do {
                experiment = try await FISSpotInterruption(batch: batch, fis: FISClient(client: client))
                    .start(queue: queue, selection: selection, notice: notice, roleArn: roleArn, jobId: job)
            } catch let error as SpotInterruptionError {
                throw CommandEnd(.usage, error.description)
            } catch let error as FISSpotInterruptionError {
                throw CommandEnd(.usage, error.description)
            } catch {
                throw awsEnd(error, doing: "starting the Spot interruption experiment")
            }
            printError("experiment \(experiment.id) started (template \(experiment.templateId)): interrupting \(selection) with \(notice) notice")
            var state = (try? await experiment.state()) ?? ExperimentState(status: .pending, reason: nil)
            if wait {
                let stopper = Self.stopOnInterrupt(experiment)
                defer { stopper.cancel() }
                do {
                    state = try await experiment.wait(pollInterval: 5) { printError("experiment \(experiment.id): \($0.status.rawValue)\($0.reason.map { " — \($0)" } ?? "")") }
                } catch { throw awsEnd(error, doing: "following experiment \(experiment.id)") }
            }
            if json {
                try printJSON(["experiment": experiment.id, "template": experiment.templateId, "state": state.status.rawValue,
                               "reason": state.reason ?? ""])
            } else {
                print("\(experiment.id) \(state.status.rawValue)")
            }
            if state.status == .failed { throw CommandEnd(.failure, "experiment \(experiment.id) failed: \(state.reason ?? "no reason given")") }
        }

        /// The queue of the job: from this machine's job index, else from Batch (JOB is a Batch job id).
        static func queue(ofJob job: String, batch: BatchClient) async throws -> String {
            if let record = AWSJobIndex.default.record(job) { return record.queue }
            if let detail = try await batch.describeJob(job) { return detail.jobQueue }
            throw AWSBatchError.unknownJob(job)
        }

        /// On Ctrl-C, stop the experiment before exiting.
        static func stopOnInterrupt(_ experiment: FISExperimentHandle) -> DispatchSourceSignal {
            signal(SIGINT, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: SIGINT)
            source.setEventHandler {
                Task {
                    let state = try? await experiment.stop()
                    printError("experiment \(experiment.id): \(state?.status.rawValue ?? "stop requested")")
                    // Exits here, not through `CommandEnd`: this runs in a task of the signal handler, outside
                    // the command's body, which is still waiting on the experiment (interrupt-handler exit).
                    Foundation.exit(ExitCode.cancelled.rawValue)
                }
            }
            source.resume()
            return source
        }
    }
}
