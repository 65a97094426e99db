-- wrk script for GET /query: a random window start per request, and a check of every answer.
-- Arguments (after `--`): rows window, as the server was started with.
-- A reading is (id * 7919) % 1009 (see ReadingsDatabase.swift), so each answer's count and sum can be
-- checked against prefix sums computed here once.
local threads = {}

function setup(thread)
    thread:set("id", #threads)
    table.insert(threads, thread)
end

function init(args)
    rows = tonumber(args[1]) or 20000
    window = tonumber(args[2]) or 2000
    prefix = { [0] = 0 }
    for i = 0, rows - 1 do
        prefix[i + 1] = prefix[i] + (i * 7919) % 1009
    end
    checked, bad = 0, 0
    math.randomseed(os.time() + id * 7)
end

function request()
    return wrk.format("GET", "/query?id=" .. math.random(0, rows - 1))
end

function response(status, headers, body)
    checked = checked + 1
    local start, count, sum = body:match('^{"id":(%d+),"count":(%d+),"sum":(%d+),')
    if status ~= 200 or not start then
        bad = bad + 1
        if bad <= 3 then io.stderr:write("bad response: " .. status .. " " .. body .. "\n") end
        return
    end
    start, count, sum = tonumber(start), tonumber(count), tonumber(sum)
    local stop = math.min(rows, start + window)
    if count ~= stop - start or sum ~= prefix[stop] - prefix[start] then
        bad = bad + 1
        if bad <= 3 then io.stderr:write("wrong answer: " .. body .. "\n") end
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
