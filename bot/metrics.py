"""GET /metrics: what Prometheus (or any scraper of its text format) reads.

    loa_messages_sent_total{channel}     messages delivered
    loa_messages_failed_total{channel}   messages given up on (rejected, chat gone, tries)
    loa_messages_retried_total{channel}  messages put back for later (429, network, pause)
    loa_inbound_updates_total{channel}   platform updates handled (each once)
    loa_outbox_messages{status}          outbox rows: pending, sending, sent, failed, stale
    loa_last_tick_age_seconds            since the engine last finished a tick (none before)

The counters start at zero with each `loa run` (Prometheus' rate() expects that); the
outbox depth is the database's, shared by every instance. The values are read when
asked for, from the dispatcher's and the app's own tallies, so nothing on the sending
path waits for metrics.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator, Mapping
from dataclasses import dataclass

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from bot.storage.outbox import FAILED, PENDING, SENDING, SENT, STALE
from scheduler.dispatcher import DispatchReport

PATH = "/metrics"
STATUSES = (PENDING, SENDING, SENT, FAILED, STALE)


@dataclass(frozen=True)
class MetricSources:
    """Where each figure comes from (LoaApp wires its dispatcher, engine and store)."""

    deliveries: Callable[[], Mapping[str, DispatchReport]]  # per channel, since start
    inbound: Callable[[], Mapping[str, int]]  # updates handled per channel, since start
    last_tick_age: Callable[[], float | None]  # seconds; None before the first tick
    outbox_depth: Callable[[], Awaitable[Mapping[str, int]]]  # rows by status


class _LoaCollector(Collector):
    def __init__(self, sources: MetricSources) -> None:
        self.sources = sources
        self.depth: Mapping[str, int] = {}  # read from the store just before collect()

    def collect(self) -> Iterator[Metric]:
        deliveries = self.sources.deliveries()
        for name, documentation, field in (
            ("loa_messages_sent", "Messages delivered to a chat.", "sent"),
            ("loa_messages_failed", "Messages given up on for good.", "failed"),
            ("loa_messages_retried", "Messages put back to be sent later.", "retried"),
        ):
            family = CounterMetricFamily(name, documentation, labels=["channel"])
            for channel, report in sorted(deliveries.items()):
                family.add_metric([channel], getattr(report, field))
            yield family
        inbound = CounterMetricFamily(
            "loa_inbound_updates", "Platform updates handled.", labels=["channel"]
        )
        for channel, count in sorted(self.sources.inbound().items()):
            inbound.add_metric([channel], count)
        yield inbound
        depth = GaugeMetricFamily(
            "loa_outbox_messages", "Outbox rows by status.", labels=["status"]
        )
        for status in (*STATUSES, *sorted(set(self.depth) - set(STATUSES))):
            depth.add_metric([status], self.depth.get(status, 0))
        yield depth
        age = self.sources.last_tick_age()
        tick = GaugeMetricFamily(
            "loa_last_tick_age_seconds", "Seconds since the engine last finished a tick."
        )
        if age is not None:
            tick.add_metric([], age)
        yield tick


class Metrics:
    """The /metrics handler over one registry of Loa's own (not the process-wide
    default one: two apps in one test process must not see each other's figures)."""

    def __init__(self, sources: MetricSources) -> None:
        self.registry = CollectorRegistry(auto_describe=False)
        self._collector = _LoaCollector(sources)
        self.registry.register(self._collector)

    async def render(self) -> bytes:
        """The figures in Prometheus' text format."""
        self._collector.depth = await self._collector.sources.outbox_depth()
        return generate_latest(self.registry)

    async def handle(self, request: web.Request) -> web.Response:
        body = await self.render()
        response = web.Response(body=body)
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response
