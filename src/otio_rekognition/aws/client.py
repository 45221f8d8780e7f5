"""Where and how to call AWS, and botocore's exceptions as one-line
:class:`AwsError` subclasses.

boto3 and botocore are imported inside the functions: OTIO imports every
plugin package when it starts, and converting a saved file must neither pay
for the AWS SDK nor need it. Credentials are never handled here: they come
from botocore's default chain (environment, profile, SSO, instance role).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import urlsplit

from otio_rekognition.aws.errors import (
    AccessDeniedError,
    AwsError,
    CredentialsError,
    InvalidRequestError,
    JobNotFoundError,
    LimitExceededError,
    ServiceError,
    ThrottledError,
    VideoTooLargeError,
)

URL_SCHEME = "rekognition"
RESULTS_KEPT_DAYS = 7
RetryMode = Literal["standard", "adaptive"]
RETRY_MODES: tuple[RetryMode, ...] = ("standard", "adaptive")
_THROTTLING_CODES = frozenset(
    {"ThrottlingException", "Throttling", "ProvisionedThroughputExceededException", "TooManyRequestsException"}
)
_CREDENTIAL_CODES = frozenset(
    {"UnrecognizedClientException", "InvalidSignatureException", "ExpiredTokenException", "InvalidClientTokenId"}
)
# The operations called on SQS; every other one is Rekognition's (Start*, Get*).
_SQS_OPERATIONS = frozenset({"ReceiveMessage", "DeleteMessage"})


@dataclass(frozen=True)
class Connection:
    """Where and how to call AWS; the same for every command.

    ``endpoint_url`` replaces Rekognition's endpoint only (a test server, a
    VPC endpoint); SQS keeps its own. Throttling and server errors are retried
    by botocore: ``max_attempts`` counts every attempt, the first included.
    """

    region: str | None = None
    profile: str | None = None
    endpoint_url: str | None = None
    retry_mode: RetryMode = "standard"
    max_attempts: int = 10
    # Seconds: botocore's own defaults (60 s a read, 10 attempts) let one
    # silent server hold a command for ten minutes.
    connect_timeout: float = 10.0
    read_timeout: float = 30.0

    def __post_init__(self) -> None:
        for name in ("connect_timeout", "read_timeout"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= 3600:
                raise InvalidRequestError(
                    f"{name.replace('_', ' ')} {value!r}: expected seconds, more than 0 and at most 3600",
                    "InvalidTimeout",
                )
        if self.endpoint_url is not None:
            _check_endpoint(self.endpoint_url)
        if self.retry_mode not in RETRY_MODES:
            raise InvalidRequestError(
                f"retry mode {self.retry_mode!r}: expected {' or '.join(RETRY_MODES)}", "InvalidRetryMode"
            )
        if not isinstance(self.max_attempts, int) or isinstance(self.max_attempts, bool) or self.max_attempts < 1:
            raise InvalidRequestError(
                f"max attempts {self.max_attempts!r}: expected a whole number of 1 or more", "InvalidMaxAttempts"
            )

    def client(self, service: str, subject: str, operation: str) -> Any:
        """A botocore client for ``service``; errors name ``subject`` and ``operation``."""
        import boto3
        from botocore.config import Config

        with translated(subject, operation, self):
            session = boto3.session.Session(profile_name=self.profile, region_name=self.region)
            try:
                return session.client(
                    service,
                    endpoint_url=self.endpoint_url if service == "rekognition" else None,
                    config=Config(
                        retries={"mode": self.retry_mode, "total_max_attempts": self.max_attempts},
                        connect_timeout=self.connect_timeout,
                        read_timeout=self.read_timeout,
                    ),
                )
            except ValueError as error:  # botocore's "Invalid endpoint: ..."
                raise AwsError(f"{subject}: {one_line(str(error))}", "InvalidEndpoint") from error


@contextmanager
def translated(subject: str, operation: str, connection: Connection, client: Any = None) -> Iterator[None]:
    """botocore's exceptions as one-line :class:`AwsError` subclasses; ``client`` tells the region used."""
    from botocore import exceptions
    from botocore.parsers import ResponseParserError

    try:
        yield
    except exceptions.ClientError as error:
        region = client.meta.region_name if client is not None else connection.region
        raise client_error(error.response, subject, operation, region) from error
    except (exceptions.NoCredentialsError, exceptions.PartialCredentialsError) as error:
        raise CredentialsError(
            f"{subject}: {operation}: no usable AWS credentials ({one_line(str(error))}): set AWS_PROFILE or pass "
            "a profile, run `aws configure` or `aws sso login`, or run where an instance role applies",
            type(error).__name__,
        ) from error
    except exceptions.ProfileNotFound as error:
        raise CredentialsError(
            f"{subject}: AWS profile {connection.profile!r} not found in the AWS config and credentials files",
            "ProfileNotFound",
        ) from error
    except (exceptions.CredentialRetrievalError, exceptions.TokenRetrievalError, exceptions.SSOError) as error:
        raise CredentialsError(
            f"{subject}: {operation}: cannot get AWS credentials: {one_line(str(error))}", type(error).__name__
        ) from error
    except exceptions.NoRegionError as error:
        raise AwsError(
            f"{subject}: no AWS region: pass one (region= in a {URL_SCHEME}:// URL) or set AWS_REGION",
            "NoRegion",
        ) from error
    except exceptions.ParamValidationError as error:
        raise InvalidRequestError(f"{subject}: {operation}: {one_line(str(error))}", "ParamValidationError") from error
    except (exceptions.EndpointConnectionError, exceptions.ConnectTimeoutError, exceptions.ReadTimeoutError) as error:
        raise AwsError(f"{subject}: {operation}: {one_line(str(error))}", type(error).__name__) from error
    except exceptions.BotoCoreError as error:
        raise AwsError(f"{subject}: {operation}: {one_line(str(error))}", type(error).__name__) from error
    except (ResponseParserError, AttributeError, TypeError, KeyError, ValueError) as error:
        # botocore's parser fails this way on a 200 answer that is not the service's JSON.
        raise AwsError(
            f"{subject}: {operation}: an answer that is not Rekognition's ({type(error).__name__}): the endpoint "
            "is not Rekognition, or something between answers for it (check --endpoint-url and proxies)",
            "MalformedAnswer",
        ) from error


def client_error(response: Mapping[str, Any], subject: str, operation: str, region: str | None) -> AwsError:
    details = response.get("Error", {})
    metadata = response.get("ResponseMetadata", {})
    code = str(details.get("Code", ""))
    said = one_line(str(details.get("Message") or "no message"))
    attempts = int(metadata.get("RetryAttempts", 0)) + 1
    where = f"{subject}: {operation}"
    if code in ("AccessDeniedException", "AccessDenied"):
        # IAM names each action after its operation: rekognition:StartLabelDetection, sqs:ReceiveMessage.
        action = f"{'sqs' if operation in _SQS_OPERATIONS else 'rekognition'}:{operation}"
        extra = " (and iam:PassRole on the notification role, when one is given)" if _is_start(operation) else ""
        return AccessDeniedError(f"{where}: access denied: the credentials need {action}{extra} ({said})", code)
    if code in _CREDENTIAL_CODES:
        return CredentialsError(f"{where}: AWS rejected the credentials ({code}: {said})", code)
    if code == "ResourceNotFoundException":
        if _is_start(operation):  # StartFaceSearch's collection
            return JobNotFoundError(f"{where}: not found: check the collection id and region ({said})", code)
        # Each Get* operation knows only the jobs its own Start* operation started.
        started_by = "Start" + operation.removeprefix("Get")
        return JobNotFoundError(
            f"{where}: job not found in region {region or '(the default region)'}: check the job id, the region "
            f"and the analysis ({operation} finds {started_by} jobs only); results are kept only "
            f"{RESULTS_KEPT_DAYS} days after the job ({said})",
            code,
        )
    if code == "InvalidPaginationTokenException":
        return InvalidRequestError(f"{where}: NextToken expired or invalid ({said})", code)
    if code == "InvalidS3ObjectException":
        return InvalidRequestError(
            f"{where}: Rekognition cannot read the video: check the bucket, key and that the bucket is in region "
            f"{region or '(the default region)'} ({said})",
            code,
        )
    if code == "IdempotentParameterMismatchException":
        return InvalidRequestError(
            f"{where}: the client request token was already used for a different request: use a new one ({said})",
            code,
        )
    if code in ("InvalidParameterException", "ValidationException"):
        return InvalidRequestError(f"{where}: invalid parameter: {said}", code)
    if code == "VideoTooLargeException":
        return VideoTooLargeError(
            f"{where}: the video is too large or too long for Rekognition Video (10 GB, 6 hours) ({said})", code
        )
    if code == "LimitExceededException":
        return LimitExceededError(
            f"{where}: too many Rekognition Video jobs running in the account (still after {attempts} attempts): "
            f"wait for some to finish or ask for a higher quota ({said})",
            code,
        )
    if code in _THROTTLING_CODES:
        return ThrottledError(
            f"{where}: still throttled ({code}) after {attempts} attempts: try again later or allow more attempts",
            code,
        )
    if int(metadata.get("HTTPStatusCode", 0)) >= 500:
        return ServiceError(f"{where}: Rekognition server error after {attempts} attempts ({code}: {said})", code)
    return AwsError(f"{where}: {code or 'error'}: {said}", code or None)


def _is_start(operation: str) -> bool:
    return operation.startswith("Start")


def one_line(text: str) -> str:
    return " ".join(text.split())


def redacted_url(url: str) -> str:
    """A URL as messages show it: without a password."""
    return re.sub(r"(://[^/@\s:]*:)[^/@\s]*@", r"\1***@", url)


def _check_endpoint(url: str) -> None:
    shown = redacted_url(url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise InvalidRequestError(f"endpoint URL {shown!r}: {error}", "InvalidEndpoint") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidRequestError(
            f"endpoint URL {shown!r}: expected http(s)://HOST[:PORT], e.g. https://rekognition.us-east-1.amazonaws.com",
            "InvalidEndpoint",
        )
    if port == 0:
        raise InvalidRequestError(f"endpoint URL {shown!r}: port 0 cannot be connected to", "InvalidEndpoint")
