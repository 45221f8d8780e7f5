# Everything a fresh machine needs: `make demo` and `make test` set up a
# virtual environment from this project's own files, then run.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= out
SAMPLE ?= sample_media/demo_2997df.json
# Empty: the tool's default record start, 01:00:00:00 (01:00:00;00 in drop frame).
START ?=
VIDEO ?= sample_media/demo_2997df.mp4
# The other analyses' synthetic jobs of SAMPLE's video (none for a job of your own, which is not read twice).
ANALYSES ?= $(filter-out $(SAMPLE),$(wildcard $(patsubst demo_%.json,sample_media/synthetic_*_%.json,$(notdir $(SAMPLE)))))
# Every step of the demo counts from START when it is given.
AT := $(if $(START),--start-timecode '$(START)')
SHARED ?= ../shared

# The oldest OpenTimelineIO pyproject.toml allows; `make test-oldest` runs the suite on it.
OLDEST_OTIO ?= 0.18.1
OLDEST ?= .venv-oldest
# Where `make lambda-zip` builds: LAMBDA_BUILD/lambda.zip (deploy/template.yaml's CodeUri).
LAMBDA_BUILD ?= build

.PHONY: demo test test-oldest lint browser samples clean lambda-zip

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The demo needs the runtime and the offline detector only; the tests add their tools.
$(VENV)/.demo-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[detect]'
	touch $@

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.demo-installed

demo: $(VENV)/.demo-installed
	mkdir -p $(OUT)
	$(BIN)/otio-rekognition convert $(SAMPLE) -o $(OUT)/demo.otio $(AT)
	$(BIN)/otio-rekognition convert $(SAMPLE) -o $(OUT)/demo.edl $(AT)
	$(BIN)/otio-rekognition convert $(SAMPLE) -o $(OUT)/demo-markers.edl $(AT) --edl-flavor resolve-markers
	$(BIN)/otio-rekognition convert $(SAMPLE) -o $(OUT)/demo.xml $(AT)
	$(BIN)/otio-rekognition convert $(SAMPLE) -o $(OUT)/demo.fcpxml $(AT)
	$(BIN)/otio-rekognition convert $(SAMPLE) -o $(OUT)/demo.aaf $(AT)
	$(BIN)/otio-rekognition convert $(SAMPLE) $(ANALYSES) -o $(OUT)/demo.ale $(AT)
	$(BIN)/otio-rekognition report $(SAMPLE) -o $(OUT)/demo.html $(AT)
	$(BIN)/otioconvert -i $(SAMPLE) -o $(OUT)/demo.rekognition.json -O rekognition
	# The other analyses of the same video (synthetic labels, moderation, faces, text...) as markers beside the cuts.
	$(BIN)/otio-rekognition convert $(SAMPLE) $(ANALYSES) -o $(OUT)/demo-analyses.fcpxml $(AT)
	$(BIN)/otio-rekognition convert $(SAMPLE) $(ANALYSES) -o $(OUT)/demo-analyses.edl $(AT)
	$(BIN)/otio-rekognition report $(SAMPLE) $(ANALYSES) -o $(OUT)/demo-analyses.html $(AT)
	# A camera file's own timecode (29.97 non-drop, 01:00:00:00) read from the media and used in the EDL.
	$(BIN)/otio-rekognition convert sample_media/tc_2997ndf.json -o $(OUT)/media-timecode.edl --media sample_media/tc_2997ndf.mov $(AT)
	# The same path without AWS: detect shots and cues in VIDEO, then convert.
	$(BIN)/otio-rekognition detect $(VIDEO) -o $(OUT)/detected.json
	$(BIN)/otio-rekognition convert $(OUT)/detected.json -o $(OUT)/detected.fcpxml --media-url $(abspath $(VIDEO)) $(AT)
	# A page to look at before importing: the detected shots and cues with thumbnails.
	$(BIN)/otio-rekognition report $(OUT)/detected.json --media $(VIDEO) -o $(OUT)/report.html $(AT)

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests sample_media benchmarks
	$(BIN)/ruff format --check src tests sample_media benchmarks
	$(BIN)/mypy

# The review page's test renders it in headless Chromium, Debian's package (root installs it; CI runs as root).
browser:
	@command -v chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; } \
		|| echo "no Chromium (apt-get needs root): the browser test will be skipped"

test: lint browser
	SHARED=$(SHARED) $(BIN)/python -m pytest

test-oldest: $(VENV)/.installed
	@if [ "$$($(BIN)/python -c 'import opentimelineio; print(opentimelineio.__version__)')" = "$(OLDEST_OTIO)" ]; then \
		echo "OpenTimelineIO $(OLDEST_OTIO), the oldest allowed, is also the newest: make test ran on it"; \
	else \
		set -e; test -x $(OLDEST)/bin/python || $(PYTHON) -m venv $(OLDEST); \
		$(OLDEST)/bin/python -m pip install --quiet --upgrade pip; \
		$(OLDEST)/bin/python -m pip install --quiet -e '.[test]' 'opentimelineio==$(OLDEST_OTIO)'; \
		SHARED=$(SHARED) $(OLDEST)/bin/python -m pytest -q -p no:cacheprovider; \
	fi

samples: $(VENV)/.installed
	$(BIN)/python sample_media/make_samples.py
	$(BIN)/python sample_media/make_analysis_samples.py
	$(BIN)/python sample_media/make_video.py
	$(BIN)/python sample_media/make_timecode_media.py

# The Lambda function's code (deploy/template.yaml): the package and its runtime dependencies, without the
# detect extra; boto3, botocore and their dependencies are left out: the python3.11 runtime has them, and a
# second urllib3 in the zip would shadow the one its botocore was tested with. Built by this machine's
# Python, which must be 3.11 on x86_64 Linux like the function (OpenTimelineIO's wheel is compiled).
lambda-zip: | $(BIN)/python
	@$(BIN)/python -c 'import platform, sys; sys.exit(0 if sys.version_info[:2] == (3, 11) and platform.machine() == "x86_64" else "lambda-zip: needs Python 3.11 on x86_64, as the function runs")'
	rm -rf $(LAMBDA_BUILD)/lambda $(LAMBDA_BUILD)/lambda.zip $(LAMBDA_BUILD)/source
	# Built from a copy, so that setuptools' build/ lands beside the zip, never in the checkout.
	mkdir -p $(LAMBDA_BUILD)/source
	cp -r pyproject.toml README.md LICENSE src $(LAMBDA_BUILD)/source/
	rm -rf $(LAMBDA_BUILD)/source/src/*.egg-info
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-compile --target $(LAMBDA_BUILD)/lambda \
		$(LAMBDA_BUILD)/source
	cd $(LAMBDA_BUILD)/lambda && rm -rf bin boto3 boto3-* botocore botocore-* s3transfer s3transfer-* \
		jmespath jmespath-* urllib3 urllib3-* dateutil python_dateutil-* six.py six-*
	$(BIN)/python -c 'import shutil, sys; shutil.make_archive(sys.argv[1], "zip", sys.argv[2])' \
		$(LAMBDA_BUILD)/lambda $(LAMBDA_BUILD)/lambda
	@echo "wrote $(LAMBDA_BUILD)/lambda.zip"

clean:
	rm -rf $(VENV) $(OLDEST) $(OUT) build dist src/*.egg-info
