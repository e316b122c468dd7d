-- wrk: GET each path of the file named by PATHS in turn (one path per line), then print the report.
local paths = {}
for line in io.lines(os.getenv("PATHS")) do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
dofile(os.getenv("REPORT"))
