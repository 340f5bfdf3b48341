-- wrk reporter: one machine-readable line with the latency percentiles (microseconds).
done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read
    + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT requests=%d errors=%d p50=%d p95=%d p99=%d\n",
    summary.requests, errors, latency:percentile(50), latency:percentile(95),
    latency:percentile(99)))
end
