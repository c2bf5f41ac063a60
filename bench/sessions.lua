-- Each request comes from one of many signed-in customers, chosen at random.
dofile(os.getenv("SESSIONS"))
-- NEED names a page only some roles see ("invoices", "orders"): only those sessions drive it.
local need = os.getenv("NEED")
if need and need ~= "" then
  local some = {}
  for _, s in ipairs(sessions) do
    if s[need] then some[#some + 1] = s end
  end
  sessions = some
end
local template = os.getenv("TARGET")
local staff = os.getenv("STAFF_COOKIE")

-- Each wrk thread runs its own copy of this script; done() runs in yet another and reads the
-- threads' counters through the handles kept here.
local threads = {}
setup = function(thread)
  threads[#threads + 1] = thread
end

request = function()
  if staff and staff ~= "" then
    return wrk.format("GET", template, { ["Cookie"] = staff })
  end
  local s = sessions[math.random(#sessions)]
  local path = template:gsub("{account}", s.account):gsub("{request}", s.request):gsub("{folder}", s.folder):gsub("{download}", s.download)
  return wrk.format("GET", path, { ["Cookie"] = s.cookie })
end

non200 = 0
response = function(status, headers, body)
  if status ~= 200 then non200 = non200 + 1 end
end

done = function(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do
    total = total + thread:get("non200")
  end
  io.write(string.format("non200=%d\n", total))
end
