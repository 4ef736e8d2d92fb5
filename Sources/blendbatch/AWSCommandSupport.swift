import AWSCore
import AWSServices
import Executors
import Foundation
import RenderPlan

/// The AWS client every AWS command uses: region, credentials and endpoints resolved as the AWS CLI does.
func makeAWSClient() -> AWSClient { AWSClient(configuration: .resolve()) }

/// Exit with a one-line message for an AWS failure: what was asked, what AWS said, what to do.
func failAWS(_ error: any Error, doing what: String) -> Never {
    let problem = AWSBatchBackend.problem(error, doing: what)
    fail(problem.code, problem.message)
}
