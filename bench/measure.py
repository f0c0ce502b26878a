"""Measure one operation: warm up, then interleave gateway and floor runs; profile on request."""

from __future__ import annotations

import asyncio
import sys
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from bench.dataset import log_in
from bench.load import LoadShape, Sample, run_wrk
from bench.operations import Operation, write_request_file
from bench.procs import System, SystemConfig, gateway_process
from bench.profile import Profile, finish_recording, start_recording
from bench.report import FloorResult, OperationResult, measured
from scripts.processes import Process

PROFILE_DURATION_S = 5


@dataclass(frozen=True, slots=True)
class Plan:
    """How each target is driven, and what to measure and sample."""

    warmup: LoadShape
    shape: LoadShape
    runs: int
    profile: bool = False


@dataclass(frozen=True, slots=True)
class Credentials:
    """The headers a gateway request and a direct service request carry."""

    token: str
    internal_token: str
    user_id: int

    @property
    def gateway(self) -> dict[str, str]:
        """The main user's bearer token."""
        return {"Authorization": f"Bearer {self.token}"}

    @property
    def internal(self) -> dict[str, str]:
        """The internal credential and the main user's id, as the gateway sends them."""
        return {"X-Internal-Token": self.internal_token, "X-User-Id": str(self.user_id)}


@dataclass(frozen=True, slots=True)
class Bench:
    """A running system and what every measurement on it shares."""

    system: System
    config: SystemConfig
    user_id: int
    """The dataset's main user: every gateway request is sent as them."""
    plan: Plan
    gateway_env: dict[str, str]
    """What every gateway of the bench runs with on top of the usual settings."""

    def signed_in(self) -> Credentials:
        """The main user's credentials, logged in now (a token lasts minutes, not a whole run)."""
        token = asyncio.run(log_in(self.system.gateway.url))
        return Credentials(token, self.config.internal_token, self.user_id)

    def another_gateway(self, name: str, env: dict[str, str]) -> AbstractContextManager[Process]:
        """One more gateway in front of the system's services: the bench's settings, then `env`."""
        return gateway_process(
            self.config,
            calendar=self.system.calendar,
            diary=self.system.diary,
            log_level="WARNING",
            name=name,
            env={**self.gateway_env, **env},
        )

    def drive(self, gateway: Process, requests: Path, shape: LoadShape) -> Sample:
        """wrk against one gateway (the system's or another) over the system's services."""
        processes = {"gateway": gateway, **self.system.services}
        return run_wrk(
            base_url=gateway.url, request_file=requests, shape=shape, processes=processes
        )


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _slug(name: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in name).strip("-")


def gateway_request_file(
    workdir: Path, operation: Operation, credentials: Credentials, kind: str
) -> Path:
    """The operation's gateway requests, as the main user, written to `<slug>-<kind>.tsv`."""
    workdir.mkdir(parents=True, exist_ok=True)
    return write_request_file(
        workdir / f"{_slug(operation.name)}-{kind}.tsv", operation.requests(), credentials.gateway
    )


def _profile_gateway(system: System, url: str, requests: Path, plan: Plan) -> Profile:
    """One extra gateway run under py-spy (never counted in the figures: sampling costs CPU)."""
    output = requests.with_suffix(".pyspy.txt")
    shape = LoadShape(plan.shape.connections, plan.shape.threads, PROFILE_DURATION_S)
    recorder = start_recording(system.gateway.pid, output, duration_s=PROFILE_DURATION_S)
    run_wrk(base_url=url, request_file=requests, shape=shape, processes=system.all)
    return finish_recording(recorder, output)


def measure_operation(
    system: System,
    operation: Operation,
    *,
    upstream: dict[str, int],
    credentials: Credentials,
    workdir: Path,
    plan: Plan,
) -> tuple[OperationResult, Profile | None]:
    """The operation through the gateway and each of its floor calls, median of `plan.runs`."""
    gateway_file = gateway_request_file(workdir, operation, credentials, "gateway")
    slug = _slug(operation.name)
    targets = [(system.gateway.url, gateway_file)]
    for i, call in enumerate(operation.floor):
        path = write_request_file(
            workdir / f"{slug}-floor{i}.tsv", call.calls, credentials.internal
        )
        targets.append((system.services[call.service].url, path))
    for url, path in targets:
        run_wrk(base_url=url, request_file=path, shape=plan.warmup, processes=system.all)
    # Runs alternate between the targets, so a slow drift of the machine hits all of them alike.
    samples: list[list[Sample]] = [[] for _ in targets]
    for run in range(plan.runs):
        for index, (url, path) in enumerate(targets):
            sample = run_wrk(
                base_url=url, request_file=path, shape=plan.shape, processes=system.all
            )
            samples[index].append(sample)
        gateway = samples[0][-1]
        _say(
            f"  run {run + 1}/{plan.runs}: {gateway.wrk.rps:.0f} req/s, gateway "
            f"{gateway.cpu_ms_per_request('gateway'):.2f} CPU ms/request"
        )
    profile = _profile_gateway(system, *targets[0], plan) if plan.profile else None
    result = OperationResult(
        name=operation.name,
        upstream=upstream,
        result_size=operation.result_size,
        gateway=measured(samples[0]),
        floor=[
            FloorResult(call.service, call.route, measured(call_samples))
            for call, call_samples in zip(operation.floor, samples[1:], strict=True)
        ],
    )
    return result, profile
