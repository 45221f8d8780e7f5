"""The errors of the AWS calls: one class per thing a user does something
different about, each with the exit status the command line ends with."""

from __future__ import annotations

from otio_rekognition import errors


class AwsError(errors.RekognitionError):
    """A call to AWS failed: no region, no connection, or an AWS error that
    has no class of its own. ``code`` is AWS's error code, when there is one."""

    exit_status = 10

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(message)
        self.code = code


class CredentialsError(AwsError):
    """No credentials, an unknown profile, or credentials AWS rejects."""

    exit_status = 11


class AccessDeniedError(AwsError):
    """The credentials lack the IAM permission for the call (named in the message)."""

    exit_status = 12


class JobNotFoundError(AwsError):
    """No such job in that region, or its results expired (7 days after the job)."""

    exit_status = 13


class InvalidRequestError(AwsError):
    """A parameter Rekognition (or this module, before asking) rejects."""

    exit_status = 14


class VideoTooLargeError(AwsError):
    """The video exceeds Rekognition Video's size or length limit."""

    exit_status = 15


class LimitExceededError(AwsError):
    """Too many concurrent Rekognition Video jobs in the account."""

    exit_status = 16


class ThrottledError(AwsError):
    """Still throttled after every retry botocore was allowed."""

    exit_status = 17


class ServiceError(AwsError):
    """Rekognition kept answering with a server error (5xx) after every retry."""

    exit_status = 18


class JobFailedError(AwsError, errors.JobFailedError):
    """The job finished with status FAILED; the message carries its StatusMessage."""

    exit_status = 19


class JobInProgressError(AwsError, errors.JobInProgressError):
    """Results were fetched before the job finished."""

    exit_status = 20


class WaitTimeoutError(AwsError):
    """The job had not finished when the wait timed out."""

    exit_status = 21


class PaginationError(AwsError, errors.IncompleteJobError):
    """The pages do not add up to one job: a NextToken that loops, a page
    larger than asked for, pages that disagree about the job."""

    exit_status = 22


# botocore's names for a connection that failed or went silent (aws.client keeps them as the code), and
# S3's answer to two conditional writes of one object at once.
_TRANSIENT_CODES = frozenset(
    {"EndpointConnectionError", "ConnectTimeoutError", "ReadTimeoutError", "ConnectionClosedError", "MalformedAnswer",
     "ConditionalRequestConflict"}
)  # fmt: skip


def is_transient(error: BaseException) -> bool:
    """Throttling, server errors and connections that failed or went silent:
    what the same call may get past later, unlike a refusal a person must fix."""
    if isinstance(error, (ThrottledError, ServiceError)):
        return True
    return isinstance(error, AwsError) and error.code in _TRANSIENT_CODES
