-- One endpoint under wrk, set up by bench/run.py through the environment:
--   BENCH_METHOD     GET or POST (default GET)
--   BENCH_BODY_FILE  file holding the form body (POST), as a browser encodes it
--   BENCH_CONTENT_TYPE  its Content-Type (urlencoded, or multipart with its boundary)
--   BENCH_COOKIE     Cookie header to send with every request (a prepared session)
--   BENCH_EXPECT     the status a correct answer has (200, or 303 after a filing)
--   BENCH_PATHS_FILE GET paths, one a line, asked in turn (directory searches)
-- The request is built once per thread (no request() hook), so wrk stays cheap.
-- done() prints one line "BENCH_RESULT {json}" for the runner to read.

local method = os.getenv("BENCH_METHOD") or "GET"
local body_file = os.getenv("BENCH_BODY_FILE") or ""
local cookie = os.getenv("BENCH_COOKIE") or ""
local content_type = os.getenv("BENCH_CONTENT_TYPE") or ""
local expect = tonumber(os.getenv("BENCH_EXPECT") or "200")

wrk.method = method
wrk.headers["User-Agent"] = "intake-bench/1"
if cookie ~= "" then
  wrk.headers["Cookie"] = cookie
end
if body_file ~= "" then
  local f = assert(io.open(body_file, "rb"))
  wrk.body = f:read("*a")
  f:close()
  wrk.headers["Content-Type"] = content_type
end

local paths_file = os.getenv("BENCH_PATHS_FILE") or ""
if paths_file ~= "" then
  local paths = {}
  for line in io.lines(paths_file) do
    if line ~= "" then table.insert(paths, line) end
  end
  local turn = nil
  request = function()
    if turn == nil then
      -- Each thread starts at its own place in the list (set in setup), so two threads
      -- do not ask the same path at the same moment.
      turn = math.floor((turn_share or 0) * #paths)
    end
    turn = turn % #paths + 1
    return wrk.format(nil, paths[turn])
  end
end

local threads = {}

function setup(thread)
  table.insert(threads, thread)
  thread:set("turn_share", (#threads - 1) / 2)
end

function init(args)
  expected = 0      -- answers with the expected status
  unexpected = 0    -- any other status (a 303 to the sign-in page counts here)
  other_2xx3xx = 0  -- unexpected but 2xx/3xx, which wrk itself would call a success
  first_bad = 0     -- the first unexpected status seen, for the report
end

function response(status, headers, body)
  if status == expect then
    expected = expected + 1
  else
    unexpected = unexpected + 1
    if status >= 200 and status < 400 then
      other_2xx3xx = other_2xx3xx + 1
    end
    if first_bad == 0 then
      first_bad = status
    end
  end
end

function done(summary, latency, requests)
  local ok, bad, other, first = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    ok = ok + thread:get("expected")
    bad = bad + thread:get("unexpected")
    other = other + thread:get("other_2xx3xx")
    if first == 0 then
      first = thread:get("first_bad")
    end
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH_RESULT {"requests": %d, "duration_us": %d, "bytes": %d, '
      .. '"p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d, "mean_us": %.1f, '
      .. '"connect": %d, "read": %d, "write": %d, "timeout": %d, "non_2xx_3xx": %d, '
      .. '"expected": %d, "unexpected": %d, "other_2xx_3xx": %d, "first_unexpected": %d}\n',
    summary.requests, summary.duration, summary.bytes,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean,
    e.connect, e.read, e.write, e.timeout, e.status,
    ok, bad, other, first))
end
