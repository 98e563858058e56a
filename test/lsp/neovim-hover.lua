-- Headless Neovim (0.7+, built-in vim.lsp) as a real editor: start `asyncbloat lsp`, open a file, hover the
-- line of an async fn, write the hover text to a file and quit. Driven by test/lsp/neovim.test.ts.
local cli = os.getenv('ASYNCBLOAT_CLI')
local root = os.getenv('ASYNCBLOAT_ROOT')
local file = os.getenv('ASYNCBLOAT_FILE')
local needle = os.getenv('ASYNCBLOAT_NEEDLE')
local out = os.getenv('ASYNCBLOAT_OUT')

local function finish(text)
  local f = assert(io.open(out, 'w'))
  f:write(text)
  f:close()
  vim.cmd('qa!')
end

local client_id = vim.lsp.start_client({ name = 'asyncbloat', cmd = { 'node', cli, 'lsp' }, root_dir = root })
if not client_id then
  finish('ERROR: the client did not start')
  return
end
vim.cmd('edit ' .. vim.fn.fnameescape(file))
local buf = vim.api.nvim_get_current_buf()
vim.lsp.buf_attach_client(buf, client_id)
local ready = vim.wait(30000, function()
  local c = vim.lsp.get_client_by_id(client_id)
  return c ~= nil and c.server_capabilities ~= nil and next(c.server_capabilities) ~= nil
end, 50)
if not ready then
  finish('ERROR: the server did not initialize')
  return
end

local row, col
for i, l in ipairs(vim.api.nvim_buf_get_lines(buf, 0, -1, false)) do
  local s = string.find(l, needle, 1, true)
  if s then
    row, col = i - 1, s - 1
    break
  end
end
local params = { textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = row, character = col } }
local results = vim.lsp.buf_request_sync(buf, 'textDocument/hover', params, 30000)
local text = 'ERROR: no hover'
for _, r in pairs(results or {}) do
  if r.result and r.result.contents then
    text = r.result.contents.value or vim.inspect(r.result.contents)
  elseif r.err then
    text = 'ERROR: ' .. vim.inspect(r.err)
  end
end
vim.lsp.stop_client(client_id)
finish(text)
