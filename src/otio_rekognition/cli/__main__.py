"""``python -m otio_rekognition.cli``."""

import sys

from otio_rekognition.cli import main

sys.exit(main())
