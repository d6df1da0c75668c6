-- wrk script: each request a new Bay Hauling single result for its own pre-created work order
-- (the same bodies as bay_load.h). Arguments: <case prefix> <bay api key>.
local counter = 0

function init(args)
  prefix = args[1]
  key = args[2]
end

request = function()
  local i = counter
  counter = counter + 1
  local seq = string.format("%08d", i)
  local collected = (i % 100) < 76
  local body = '{"ticket_number":"BH-' .. prefix .. '-' .. seq .. '","service_request":"' .. prefix .. '-' .. seq ..
    '","status":"' .. (collected and 'Confirmed Positive' or 'Confirmed Negative') .. '",' ..
    (collected and '' or '"exception":{"code":"NSO","description":"Items not set out at curb"},') ..
    '"service_date":"02/03/2026","closed_at":"2026-02-03T10:42:17-08:00",' ..
    '"truck":{"id":"BH-T117","driver_id":"D-5521"},"gps":{"lat":37.33452,"lng":-121.88861,"accuracy_m":6.5},' ..
    '"photos":["https://media.bayhauling.example/stops/1.jpg"],"items_collected":1,"notes":"ok"}'
  return wrk.format("POST", "/v1/vendors/bay-hauling/results",
    {["Authorization"] = "Bearer " .. key, ["Content-Type"] = "application/json",
     ["Request-Tracking-Id"] = "rt-" .. prefix .. "-" .. seq}, body)
end

done = function(summary, latency, requests)
  io.write(string.format("wrk: %d requests in %.1f s, %d non-2xx, %d errors (connect %d, read %d, write %d, timeout %d)\n",
    summary.requests, summary.duration / 1e6, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout))
  io.write(string.format("accepted results/s: %d  p50 %.3f ms  p99 %.3f ms  max %.3f ms\n",
    (summary.requests - summary.errors.status) / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
