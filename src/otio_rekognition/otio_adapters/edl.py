"""OTIO adapter ``rekognition_edl``: CMX3600 EDLs for Avid, Resolve and
Premiere, frame-exact, with every marker as a ``* LOC:`` line; or Resolve's
timeline-marker EDL (see otio_rekognition.writers.edl)."""

from otio_rekognition.otio_adapters.text_formats import text_format
from otio_rekognition.writers.edl import CMX3600, parse_flavor, write_edl

write_to_string, write_to_file, write_cut_list = text_format(
    "rekognition_edl", write_edl, arguments={"flavor": (CMX3600, parse_flavor)}
)
