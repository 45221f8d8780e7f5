# Everything a fresh machine needs: `make demo` and `make test` set up a
# virtual environment from this project's own files, then run.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= out
SAMPLE ?= sample_media/demo_2997df.json
START ?= 01:00:00:00
VIDEO ?= sample_media/demo_2997df.mp4
SHARED ?= ../shared

.PHONY: demo test lint samples clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

demo: $(VENV)/.installed
	mkdir -p $(OUT)
	$(BIN)/otio-rekognition convert $(SAMPLE) -o $(OUT)/demo.otio
	$(BIN)/otio-rekognition convert $(SAMPLE) -o $(OUT)/demo.edl --start-timecode '$(START)'
	$(BIN)/otio-rekognition convert $(SAMPLE) -o $(OUT)/demo-markers.edl --start-timecode '$(START)' --edl-flavor resolve-markers
	$(BIN)/otio-rekognition convert $(SAMPLE) -o $(OUT)/demo.xml --start-timecode '$(START)'
	$(BIN)/otio-rekognition convert $(SAMPLE) -o $(OUT)/demo.fcpxml --start-timecode '$(START)'
	$(BIN)/otio-rekognition convert $(SAMPLE) -o $(OUT)/demo.aaf --start-timecode '$(START)'
	$(BIN)/otioconvert -i $(SAMPLE) -o $(OUT)/demo.rekognition.json -O rekognition
	# The same path without AWS: detect shots and cues in the sample video, then convert.
	$(BIN)/otio-rekognition detect $(VIDEO) -o $(OUT)/detected.json
	$(BIN)/otio-rekognition convert $(OUT)/detected.json -o $(OUT)/detected.fcpxml --media-url $(abspath $(VIDEO))

lint: $(VENV)/.installed
	$(BIN)/ruff check src tests sample_media benchmarks
	$(BIN)/ruff format --check src tests sample_media benchmarks
	$(BIN)/mypy

test: lint
	SHARED=$(SHARED) $(BIN)/python -m pytest

samples: $(VENV)/.installed
	$(BIN)/python sample_media/make_samples.py
	$(BIN)/python sample_media/make_video.py

clean:
	rm -rf $(VENV) $(OUT)
