"""The diary's own metrics: image bytes stored, uploads refused by reason, the store's size."""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterable

from prometheus_client import Counter
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.metrics_core import Metric

from diary_svc.storage import ImageStore
from fc_common.metrics import ScrapeCollector

STORE_SIZE_MAX_AGE_S = 60.0

IMAGE_BYTES_STORED = Counter(
    "fc_diary_image_bytes_stored_total", "Bytes of images stored (after cleaning)."
)
UPLOADS_REFUSED = Counter(
    "fc_diary_uploads_refused_total",
    "Image uploads refused, by reason (not_found, too_many_images, payload_too_large, "
    "validation_failed).",
    ["reason"],
)


def refusal_reason(error: Exception) -> str:
    """The reason label for a refused upload: its error class, as snake case without `Error`."""
    name = type(error).__name__.removesuffix("Error")
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def image_store_collector(store: ImageStore) -> ScrapeCollector:
    """`fc_diary_image_store_bytes` and `_files`: walked at most once a minute (it is a walk)."""
    lock = threading.Lock()
    cached: list[float] = []  # [walked_at, bytes, files]

    def collect() -> Iterable[Metric]:
        with lock:
            if not cached or time.monotonic() - cached[0] > STORE_SIZE_MAX_AGE_S:
                sizes = [stored.byte_size for stored in store.scan()]
                cached[:] = [time.monotonic(), float(sum(sizes)), float(len(sizes))]
            _, size, files = cached
        yield GaugeMetricFamily(
            "fc_diary_image_store_bytes", "Bytes in the image store.", value=size
        )
        yield GaugeMetricFamily(
            "fc_diary_image_store_files", "Files in the image store.", value=files
        )

    return collect
