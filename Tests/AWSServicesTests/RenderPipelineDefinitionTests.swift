import AWSServices
import Foundation
import Testing

@Suite("Step Functions export (RenderPipelineDefinition)")
struct RenderPipelineDefinitionTests {
    let pipeline = RenderPipelineDefinition(jobQueue: "arn:aws:batch:us-east-1:123456789012:job-queue/render",
                                            jobDefinition: "blendbatch-worker")

    /// The definition as it would be written to a file, parsed back.
    func parsed() throws -> [String: Any] {
        let text = try pipeline.jsonString()
        return try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test("the export parses as JSON, starts at a state that exists, and every transition names a state")
    func wellFormed() throws {
        let root = try parsed()
        let states = try #require(root["States"] as? [String: [String: Any]])
        let start = try #require(root["StartAt"] as? String)
        #expect(states[start] != nil)
        var targets: [String] = []
        for (_, state) in states {
            if let next = state["Next"] as? String { targets.append(next) }
            if let fallback = state["Default"] as? String { targets.append(fallback) }
            for choice in state["Choices"] as? [[String: Any]] ?? [] { targets.append(choice["Next"] as? String ?? "<missing>") }
            #expect((state["Next"] != nil) != (state["End"] as? Bool == true) || state["Type"] as? String == "Choice")
        }
        for target in targets { #expect(states[target] != nil, "transition to unknown state \(target)") }
        // Every state is reachable from the start.
        var seen: Set<String> = [start], queue = [start]
        while let name = queue.popLast() {
            let state = states[name] ?? [:]
            var next = [state["Next"] as? String, state["Default"] as? String].compactMap { $0 }
            next += (state["Choices"] as? [[String: Any]] ?? []).compactMap { $0["Next"] as? String }
            for n in next where !seen.contains(n) { seen.insert(n); queue.append(n) }
        }
        #expect(seen == Set(states.keys))
    }

    @Test("frames render as one array job sized by the plan's chunk count, through submitJob.sync")
    func renderArray() throws {
        let states = try #require(try parsed()["States"] as? [String: [String: Any]])
        let render = try #require(states[RenderPipelineDefinition.State.renderArray])
        #expect(render["Resource"] as? String == "arn:aws:states:::batch:submitJob.sync")
        let parameters = try #require(render["Parameters"] as? [String: Any])
        #expect((parameters["ArrayProperties"] as? [String: String])?["Size.$"] == "$.array.size")
        #expect(parameters["JobQueue"] as? String == pipeline.jobQueue)
        #expect(parameters["JobDefinition"] as? String == pipeline.jobDefinition)
        let environment = try #require((parameters["ContainerOverrides"] as? [String: Any])?["Environment"] as? [[String: String]])
        #expect(environment == [["Name": "BLENDBATCH_MANIFEST", "Value.$": "$.manifest"]])
        let count = try #require(states[RenderPipelineDefinition.State.countChunks]?["Parameters"] as? [String: String])
        #expect(count["size.$"] == "States.ArrayLength($.plan.manifest.chunks)")
    }

    @Test("a one-chunk plan runs as a plain job, since Batch arrays need at least 2 children")
    func singleChunk() throws {
        let states = try #require(try parsed()["States"] as? [String: [String: Any]])
        let choice = try #require(states[RenderPipelineDefinition.State.oneChunk]?["Choices"] as? [[String: Any]])
        #expect(choice.first?["NumericEquals"] as? Int == 1)
        #expect(choice.first?["Next"] as? String == RenderPipelineDefinition.State.renderSingle)
        let single = try #require(states[RenderPipelineDefinition.State.renderSingle]?["Parameters"] as? [String: Any])
        #expect(single["ArrayProperties"] == nil)
    }

    @Test("frame detection runs `blendbatch plan`, stitch runs `worker --stage stitch` after the render")
    func planAndStitch() throws {
        let states = try #require(try parsed()["States"] as? [String: [String: Any]])
        let plan = try #require(states[RenderPipelineDefinition.State.detectFrames]?["Parameters"] as? [String: Any])
        let command = try #require((plan["ContainerOverrides"] as? [String: String])?["Command.$"])
        #expect(command.hasPrefix("States.Array('plan', $.args.input, '--out', $.output, '--job-id', $.jobId"))
        let stitch = try #require(states[RenderPipelineDefinition.State.stitch]?["Parameters"] as? [String: Any])
        #expect((stitch["ContainerOverrides"] as? [String: Any])?["Command"] as? [String] == ["worker", "--stage", "stitch"])
        #expect(states[RenderPipelineDefinition.State.renderArray]?["Next"] as? String == RenderPipelineDefinition.State.stitchWanted)
    }

    @Test("literal command words are escaped for intrinsic functions")
    func escapesLiterals() throws {
        let odd = RenderPipelineDefinition(jobQueue: "q", jobDefinition: "d", planCommand: ["it's", "{x}"])
        let states = try #require(try JSONSerialization.jsonObject(with: Data(try odd.jsonString().utf8)) as? [String: Any])
        let plan = try #require(((states["States"] as? [String: [String: Any]])?["Detect frames"]?["Parameters"] as? [String: Any]))
        let command = try #require((plan["ContainerOverrides"] as? [String: String])?["Command.$"])
        #expect(command.hasPrefix(#"States.Array('it\'s', '\{x\}', "#))
    }
}
