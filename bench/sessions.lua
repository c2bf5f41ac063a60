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

request = function()
  if staff and staff ~= "" then
    return wrk.format("GET", template, { ["Cookie"] = staff })
  end
  local s = sessions[math.random(#sessions)]
  local path = template:gsub("{account}", s.account):gsub("{request}", s.request):gsub("{folder}", s.folder):gsub("{download}", s.download)
  return wrk.format("GET", path, { ["Cookie"] = s.cookie })
end

local errors = 0
response = function(status, headers, body)
  if status ~= 200 then errors = errors + 1 end
end

done = function(summary, latency, requests)
  io.write(string.format("non200=%d\n", errors))
end
