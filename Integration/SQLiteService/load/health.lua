-- wrk script for GET /health as a light probe: one request every 5 ms per connection (wrk's delay() is not
-- counted in the latency it reports), each answer checked.
local threads = {}

function setup(thread)
    table.insert(threads, thread)
end

function init(args)
    checked, bad = 0, 0
end

function delay()
    return 5
end

function response(status, headers, body)
    checked = checked + 1
    if status ~= 200 or body ~= "ok" then
        bad = bad + 1
    end
end

function done(summary, latency, requests)
    local total_checked, total_bad = 0, 0
    for _, thread in ipairs(threads) do
        total_checked = total_checked + thread:get("checked")
        total_bad = total_bad + thread:get("bad")
    end
    io.write(string.format("checked %d responses, %d bad\n", total_checked, total_bad))
end
