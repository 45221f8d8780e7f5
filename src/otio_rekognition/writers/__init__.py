"""The export formats, one module each, written from a cut list
(:class:`otio_rekognition.timeline.cutlist.CutList`); none of them reads the
OTIO timeline or Rekognition's data itself."""
