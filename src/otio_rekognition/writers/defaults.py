"""What the editor-facing writers assume alike."""

# The user Avid shows, in the Markers window and on AAF locators, for every marker we write.
MARKER_USER = "Rekognition"
# The frame size of media whose job does not say it (a response from before
# VideoMetadata had FrameWidth): HD, what editing tools default to; the
# editor's relink replaces it with the media's own.
DEFAULT_FRAME_SIZE = (1920, 1080)
