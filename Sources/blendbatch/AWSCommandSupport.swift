import AWSCore
import AWSServices
import Executors
import Foundation
import RenderPlan

/// The AWS client every AWS command uses: region, credentials and endpoints resolved as the AWS CLI does.
func makeAWSClient() -> AWSClient { AWSClient(configuration: .resolve()) }

/// The end of a command that met an AWS failure: one line saying what was asked, what AWS said,
/// what to do. A `CommandEnd` passes through unchanged.
func awsEnd(_ error: any Error, doing what: String) -> CommandEnd {
    if let end = error as? CommandEnd { return end }
    let problem = AWSBatchBackend.problem(error, doing: what)
    return CommandEnd(problem.code, problem.message)
}
