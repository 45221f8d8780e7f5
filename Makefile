# Everything a fresh machine needs: `make demo` and `make test` set up a
# virtual environment from this project's own files, then run.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= out
SAMPLE ?= sample_media/demo_2997df.json
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
	$(BIN)/otioconvert -i $(SAMPLE) -o $(OUT)/demo.otio
	$(BIN)/otioconvert -i $(SAMPLE) -o $(OUT)/demo.edl
	$(BIN)/otioconvert -i $(SAMPLE) -o $(OUT)/demo.xml
	$(BIN)/otioconvert -i $(SAMPLE) -o $(OUT)/demo.rekognition.json -O rekognition
	@echo "wrote $(OUT)/demo.otio, $(OUT)/demo.edl, $(OUT)/demo.xml, $(OUT)/demo.rekognition.json"

lint: $(VENV)/.installed
	$(BIN)/ruff check otio_rekognition tests sample_media benchmarks
	$(BIN)/ruff format --check otio_rekognition tests sample_media benchmarks
	$(BIN)/mypy

test: lint
	SHARED=$(SHARED) $(BIN)/python -m pytest

samples: $(VENV)/.installed
	$(BIN)/python sample_media/make_samples.py

clean:
	rm -rf $(VENV) $(OUT)
