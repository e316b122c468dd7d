-- wrk: print requests/s and the 50th, 95th and 99th latency percentiles in milliseconds, one line.
done = function(summary, latency, requests)
  io.write(string.format("rps=%.0f p50_ms=%.2f p95_ms=%.2f p99_ms=%.2f errors=%d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.errors.status + summary.errors.connect + summary.errors.read
      + summary.errors.write + summary.errors.timeout))
end
