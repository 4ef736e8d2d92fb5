import Foundation
import Testing
@testable import Executors
import ProcessSpawn

@Suite("RetryPolicy")
struct RetryPolicyTests {
    @Test("exits are classified like Batch evaluateOnExit: interrupted retried free, failures counted, bad input fatal")
    func classification() {
        #expect(RetryPolicy.classify(.exited(0), noticed: false) == .success)
        #expect(RetryPolicy.classify(.exited(75), noticed: false) == .interrupted)
        #expect(RetryPolicy.classify(.signaled(SIGKILL), noticed: true) == .interrupted)
        #expect(RetryPolicy.classify(.exited(70), noticed: true) == .interrupted)
        if case .retryableFailure = RetryPolicy.classify(.exited(70), noticed: false) {} else { Issue.record("70 must be retried") }
        if case .retryableFailure(let why) = RetryPolicy.classify(.signaled(SIGSEGV), noticed: false) {
            #expect(why.contains("SIGSEGV"))
        } else { Issue.record("a crash must be retried") }
        if case .fatal(let why) = RetryPolicy.classify(.exited(65), noticed: false) {
            #expect(why.contains("bad input"))
        } else { Issue.record("bad input must fail at once") }
        if case .fatal = RetryPolicy.classify(.exited(69), noticed: false) {} else { Issue.record("missing Blender must fail at once") }
    }

    @Test("backoff doubles and is capped")
    func backoff() {
        let policy = RetryPolicy(maxAttempts: 5, backoff: 0.5, maxBackoff: 1.5)
        #expect(policy.delay(afterFailures: 1) == 0.5)
        #expect(policy.delay(afterFailures: 2) == 1.0)
        #expect(policy.delay(afterFailures: 3) == 1.5)
    }

    @Test("wait statuses decode to exit codes and signals")
    func waitStatus() {
        #expect(TaskExit(WaitStatus(75 << 8)) == .exited(75))
        #expect(TaskExit(WaitStatus(9)) == .signaled(9))
        #expect(TaskExit.signaled(SIGSEGV).description.contains("SIGSEGV"))
    }
}
