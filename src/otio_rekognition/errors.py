"""The exceptions and warnings this package raises.

Every error is one line that names the input, the field and what was
expected. They derive from OTIO's ``OTIOError`` (so ``otioconvert`` run as a
module prints them as one ``ERROR:`` line) and from ``ValueError``.
"""

from __future__ import annotations

from opentimelineio.exceptions import OTIOError


class RekognitionError(OTIOError, ValueError):
    """Base class: the input or an argument cannot be turned into a timeline."""


class ResponseFormatError(RekognitionError):
    """The input is not GetSegmentDetection data: bad JSON, wrong shape, a
    field of the wrong type or range, pages that do not belong together."""


class DifferentVideoError(ResponseFormatError):
    """Jobs read together (segments and other analyses) analysed different videos."""


class JobStatusError(RekognitionError):
    """The job has not succeeded: it is IN_PROGRESS or FAILED."""


class JobFailedError(JobStatusError):
    """The job finished with JobStatus FAILED; the message carries its StatusMessage."""


class JobInProgressError(JobStatusError):
    """The results were read or fetched before the job finished."""


class IncompleteJobError(RekognitionError):
    """The last page still carries a NextToken (raised with ``strict``)."""


class AdapterArgumentError(RekognitionError):
    """An adapter argument is unknown or has a value it cannot take."""


class TimelineError(RekognitionError):
    """A timeline cannot be exported: no frame rate, a rate without
    timecode, a time outside a day, a clip before its media."""


class RekognitionWarning(UserWarning):
    """Something was repaired or is doubtful; ``strict`` turns it into an error."""
