-- wrk script: rotate through prepared requests, report exact counts and percentiles as JSON.
-- Usage: wrk -s requests.lua URL -- FILE [once], where each line of FILE is
-- METHOD<TAB>PATH<TAB>TOKEN and, for a request with a body, <TAB>JSON (a TOKEN of
-- "cookie:..." is a web page's: sent as the wc_session cookie). With `once` the list is
-- walked from its first line (each request is meant to be sent once: `sent` tells whether it
-- ran out and wrapped around); without it, from a random line.

local prepared = {}
local position = 0
local threads = {}
sent = 0  -- requests handed to wrk by this thread (a global: `done` reads it through thread:get)

function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  for line in io.lines(args[1]) do
    local method, path, token, body = line:match("^(%u+)\t([^\t]+)\t([^\t]+)\t?(.*)$")
    local headers = {}
    if token:sub(1, 7) == "cookie:" then  -- a web page: the session in its cookie
      headers["Cookie"] = "wc_session=" .. token:sub(8)
    else
      headers["Authorization"] = "Bearer " .. token
    end
    if body == "" then
      body = nil
    else
      headers["Content-Type"] = "application/json"
    end
    prepared[#prepared + 1] = wrk.format(method, path, headers, body)
  end
  if args[2] ~= "once" then
    position = math.random(#prepared)  -- threads start at different users
  end
end

function request()
  sent = sent + 1
  position = position % #prepared + 1
  return prepared[position]
end

function done(summary, latency, _)
  local e = summary.errors
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("sent")
  end
  io.write(string.format(
    '{"requests": %.0f, "duration_us": %.0f, "connect": %.0f, "read": %.0f, "write": %.0f, ' ..
    '"status": %.0f, "timeout": %.0f, "p50_us": %.0f, "p99_us": %.0f, "sent": %.0f}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(99), total))
end
