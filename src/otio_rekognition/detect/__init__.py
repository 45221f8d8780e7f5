"""Offline segment detection: a GetSegmentDetection response from a local
video, without AWS (PyAV, PySceneDetect and numpy, imported when used)."""
