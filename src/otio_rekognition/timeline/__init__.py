"""The OTIO side: a job becomes a timeline, a timeline becomes a cut list
(what the writers start from) or a GetSegmentDetection response again."""
