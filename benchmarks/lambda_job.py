"""What the Lambda handler needs for a large job: time and peak memory of one
SUCCEEDED message for a 10,000-shot segment job (plus cues), or a label job of
a million detections (benchmarks/million.py's), measured against the test
fakes (fake_rekognition for Rekognition, moto's server for S3), to size
deploy/template.yaml's MemorySize and Timeout.

    .venv/bin/python benchmarks/lambda_job.py                  # 10,000 shots
    .venv/bin/python benchmarks/lambda_job.py 2000             # quicker
    .venv/bin/python benchmarks/lambda_job.py labels 1000000   # a million label detections

Each measurement runs in a fresh process (as a cold Lambda does) and reports
its own wall time and peak resident memory; the baseline process only starts
Python and parses the same job's JSON, so the ratios hold on other machines.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(ROOT / "tests"))

FORMAT_SETS = ("json,otio,edl,fcpxml,xml", "json,otio,edl,fcpxml,xml,aaf")


def _peak_mib() -> float:
    """This process's peak resident memory. Linux's ru_maxrss keeps the forking parent's peak across exec
    (and the parent holds the fakes and the job), so VmHWM, which is this program's own, is read instead."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux, where VmHWM exists


def _report(seconds: float) -> None:
    print(json.dumps({"seconds": seconds, "peak_mib": _peak_mib()}))


def child(mode: str, argument: str, api: str = "StartSegmentDetection") -> None:
    began = time.perf_counter()
    if mode == "baseline":
        json.loads(Path(argument).read_text())
    else:
        from otio_rekognition.serverless import handler

        message = json.dumps(
            {
                "JobId": argument,
                "Status": "SUCCEEDED",
                "API": api,
                "Video": {"S3ObjectName": "shows/long.mov", "S3Bucket": "media"},
            }
        )
        event = {"Records": [{"EventSource": "aws:sns", "Sns": {"Message": message}}]}
        sys.stdout = sys.stderr  # the handler's log line is not the measurement
        handler(event, None)
        sys.stdout = sys.__stdout__
    _report(time.perf_counter() - began)


def _measure(arguments: list[str], environment: dict[str, str]) -> dict[str, Any]:
    began = time.perf_counter()
    result = subprocess.run(
        [sys.executable, __file__, *arguments], env=environment, capture_output=True, text=True, check=True
    )
    measured = dict(json.loads(result.stdout.splitlines()[-1]))
    measured["process_seconds"] = time.perf_counter() - began
    return measured


def _labels_job(detections: int) -> bytes:
    from million import write_job

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "labels.json"
        write_job(path, detections, "coming")
        return path.read_bytes()


def main(kind: str, size: int) -> None:
    import boto3
    from fake_rekognition import ACCESS_KEY, REGION, SECRET_KEY, FakeRekognition
    from moto.server import ThreadedMotoServer
    from synthetic_jobs import job_text

    from otio_rekognition.rekognition.pages import list_key, load_pages, merge_documents

    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # moto's access log
    text = _labels_job(size) if kind == "labels" else job_text(size).encode()
    response = merge_documents(load_pages(text, "synthetic"))
    del text
    api = "StartLabelDetection" if kind == "labels" else "StartSegmentDetection"
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    moto.start()
    environment = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    environment |= {
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_DEFAULT_REGION": REGION,
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
        "AWS_EC2_METADATA_DISABLED": "true",
        "AWS_ENDPOINT_URL_S3": f"http://127.0.0.1:{port}",
        "OUTPUT_S3_URI": "s3://timelines/out/",
    }
    try:
        with FakeRekognition() as fake, tempfile.TemporaryDirectory() as folder:
            environment["AWS_ENDPOINT_URL_REKOGNITION"] = fake.url
            os.environ.update({key: environment[key] for key in environment if key.startswith("AWS_")})
            boto3.client("s3").create_bucket(Bucket="timelines")
            saved = Path(folder) / "job.json"
            saved.write_text(json.dumps(response))
            job_id = fake.add_job(response)
            print(f"{size} {kind}: {len(response[list_key(response)])} {list_key(response)}, "
                  f"{saved.stat().st_size / 2**20:.1f} MiB JSON")  # fmt: skip
            baseline = _measure(["--child", "baseline", str(saved)], environment)
            print(
                f"baseline (python start + json.loads): {baseline['process_seconds']:.2f} s, "
                f"{baseline['peak_mib']:.0f} MiB peak"
            )
            for formats in FORMAT_SETS:
                run = _measure(["--child", "handler", job_id, api], environment | {"OUTPUT_FORMATS": formats})
                slower = run["process_seconds"] / baseline["process_seconds"]
                print(
                    f"handler, {formats}: {run['process_seconds']:.2f} s process "
                    f"({run['seconds']:.2f} s in the handler, {slower:.1f}x baseline), {run['peak_mib']:.0f} MiB peak "
                    f"({run['peak_mib'] / baseline['peak_mib']:.1f}x baseline)"
                )
    finally:
        moto.stop()


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(*sys.argv[2:])
    elif sys.argv[1:2] == ["labels"]:
        main("labels", int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000)
    else:
        main("shots", int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
